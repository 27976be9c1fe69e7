/** Narrowing an SDK command's actions by the request the code visibly sends, for TypeScript and Python alike. */
import { own } from '../../model/dict.js';
import type { InputFacts } from './parse.js';
import type { ActionMapping } from './sdk.js';

const PARTIQL_VERBS: Readonly<Record<string, string>> = {
  SELECT: 'dynamodb:PartiQLSelect',
  EXISTS: 'dynamodb:PartiQLSelect',
  INSERT: 'dynamodb:PartiQLInsert',
  UPDATE: 'dynamodb:PartiQLUpdate',
  DELETE: 'dynamodb:PartiQLDelete',
};
const TRANSACT_KINDS: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** Narrows request-dependent actions when the request is visible (PartiQL verbs, transaction item kinds). */
export function refine(mapping: ActionMapping, input: InputFacts): ActionMapping {
  if (!mapping.refine || !input.literal) return mapping;
  const found = new Set<string>();
  if (mapping.refine === 'partiql') {
    if (input.statements.length === 0) return mapping;
    for (const statement of input.statements) {
      const verb = own(PARTIQL_VERBS, statement.trim().split(/\s+/)[0]?.toUpperCase() ?? '');
      if (!verb) return mapping;
      found.add(verb);
    }
  } else {
    if (input.transactKinds.length === 0) return mapping;
    for (const kind of input.transactKinds) {
      const action = own(TRANSACT_KINDS, kind);
      if (!action) return mapping;
      found.add(action);
    }
  }
  return { ...mapping, actions: mapping.actions.filter((a) => found.has(a)), why: `${mapping.why} (narrowed by the visible request)` };
}
