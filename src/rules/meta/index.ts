/**
 * The engine's own rules (HG-META-*): findings about the run itself, not the infrastructure. No
 * policy picks them; the engine raises them on every check. One file per rule, named after it,
 * holding its descriptor and the code that raises it; fixtures in fixtures/rules/<name>/ like
 * any other rule. policy/ reads the ids and names too (a suppression may name them).
 */
import type { RuleDescriptor } from '../../model/findings.js';
import { EXPIRED_SUPPRESSION } from './expired-suppression.js';
import { MODULE_NOT_ANALYZED } from './module-not-analyzed.js';
import { UNUSED_SUPPRESSION } from './unused-suppression.js';

/** Reported beside the policies' rules (documented by `npm run gen:docs`). */
export const META_RULES: readonly RuleDescriptor[] = [EXPIRED_SUPPRESSION, UNUSED_SUPPRESSION, MODULE_NOT_ANALYZED];
