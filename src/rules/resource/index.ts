import type { Check } from '../types.js';
import { attributeCondition } from './attribute-condition.js';

export const resourceChecks: readonly Check[] = [attributeCondition];
