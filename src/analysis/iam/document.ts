import type { Location } from '../../model/types.js';
import type { JsonValue } from '../../model/json.js';
import { dict, own } from '../../model/dict.js';
import { hasWildcard } from '../../model/glob.js';

/**
 * IAM policy documents in one normalized shape, whatever wrote them: a JSON string, an
 * `aws_iam_policy_document` data source, an AWS managed policy. Values Terraform only knows at
 * apply time stay in the text as `${...}` fragments; matching treats those as "could be
 * anything" and says so instead of guessing.
 */

export interface Condition {
  /** Operator as written (`ForAnyValue:StringLike`, `StringEqualsIfExists`). */
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

export interface Statement {
  /** 0-based position in the (merged) document. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly Condition[];
  /** Where the statement was written, when not in the document's own resource (a merged `source_policy_documents` statement). */
  readonly origin?: Location;
}

export interface PolicyDocument {
  readonly statements: readonly Statement[];
  /** Set when the document cannot be read before apply (an expression, an unknown ARN): answers that depend on it are `unknown`. */
  readonly unknown?: string;
  /** Things in the text that IAM would reject or ignore (no Effect, no Action), for reporting. */
  readonly problems: readonly string[];
}

export const unknownDocument = (reason: string): PolicyDocument => ({ statements: [], unknown: reason, problems: [] });

export const hasFragment = (text: string): boolean => text.includes('${');

/**
 * The service an Action pattern names (its text before the first colon, lower case), or undefined
 * when it may name an action of any service: a wildcard or `${...}` there may span the colon.
 */
export function patternService(pattern: string): string | undefined {
  const colon = pattern.indexOf(':');
  const head = colon < 0 ? pattern : pattern.slice(0, colon);
  return hasWildcard(head) || hasFragment(head) ? undefined : head.toLowerCase();
}

/** Renders a condition the way IAM policies write it, for messages: `StringLike ec2:InstanceType = [t3.*]`. */
export const conditionText = (c: Condition): string => `${c.operator} ${c.key} = [${c.values.join(', ')}]`;

function stringList(value: unknown, field: string, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') out.push(item);
    else if (typeof item === 'number' || typeof item === 'boolean') out.push(String(item));
    else problems.push(`${field} holds a ${item === null ? 'null' : typeof item}, not a string`);
  }
  return out;
}

function parseConditions(value: unknown, problems: string[]): Condition[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push('Condition is not an object');
    return [];
  }
  const out: Condition[] = [];
  for (const [operator, block] of Object.entries(value as Record<string, unknown>)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) {
      problems.push(`Condition ${operator} is not an object`);
      continue;
    }
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      out.push({ operator, key, values: stringList(values, `Condition ${operator} ${key}`, problems) ?? [] });
    }
  }
  return out;
}

/** One statement object of an IAM JSON policy. */
function parseStatement(raw: unknown, index: number, problems: string[], origin?: Location): Statement | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`statement ${index} is not an object`);
    return undefined;
  }
  const s = raw as Record<string, unknown>;
  const effect = s.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    // IAM rejects such a policy; an unreadable Effect must not silently become Allow.
    problems.push(`statement ${index} has Effect ${JSON.stringify(effect)}, not "Allow" or "Deny"`);
    return undefined;
  }
  const action = stringList(s.Action, 'Action', problems);
  const notAction = stringList(s.NotAction, 'NotAction', problems);
  if (!action && !notAction) problems.push(`statement ${index} has neither Action nor NotAction`);
  return {
    index,
    ...(typeof s.Sid === 'string' && s.Sid !== '' ? { sid: s.Sid } : {}),
    effect,
    ...(action ? { action } : {}),
    ...(notAction ? { notAction } : {}),
    ...(s.Resource !== undefined ? { resource: stringList(s.Resource, 'Resource', problems) ?? [] } : {}),
    ...(s.NotResource !== undefined ? { notResource: stringList(s.NotResource, 'NotResource', problems) ?? [] } : {}),
    conditions: parseConditions(s.Condition, problems),
    ...(origin ? { origin } : {}),
  };
}

/** A parsed IAM JSON policy object (`{ Version, Statement }`). */
export function documentFromJson(json: unknown, origin?: Location): PolicyDocument {
  const problems: string[] = [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    return { statements: [], unknown: 'the policy is not a JSON object', problems: ['the policy is not a JSON object'] };
  }
  const raw = (json as Record<string, unknown>).Statement;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const statements: Statement[] = [];
  list.forEach((item, i) => {
    const statement = parseStatement(item, i, problems, origin);
    if (statement) statements.push(statement);
  });
  return { statements, problems };
}

/**
 * A policy given as text. Literal JSON parses even when string values hold `${...}`
 * interpolations (they stay as fragments); text that is not JSON (a `${jsonencode(...)}`
 * expression) is an unknown document.
 */
export function documentFromText(text: string, origin?: Location): PolicyDocument {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) {
    return unknownDocument(
      hasFragment(trimmed) ? `the policy is the expression ${abbreviate(trimmed)}, known only after apply` : 'the policy text is not JSON',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return hasFragment(trimmed)
      ? unknownDocument(`the policy mixes JSON with expressions (${abbreviate(trimmed)}) and is known only after apply`)
      : { statements: [], unknown: 'the policy text is not valid JSON', problems: ['the policy text is not valid JSON'] };
  }
  return documentFromJson(json, origin);
}

export const abbreviate = (text: string, max = 80): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Statement as JSON for evidence `data`, in IAM's own spelling. */
export function statementJson(s: Statement): JsonValue {
  const out: Record<string, JsonValue> = dict();
  if (s.sid) out.Sid = s.sid;
  out.Effect = s.effect;
  if (s.action) out.Action = [...s.action];
  if (s.notAction) out.NotAction = [...s.notAction];
  if (s.resource) out.Resource = [...s.resource];
  if (s.notResource) out.NotResource = [...s.notResource];
  if (s.conditions.length > 0) {
    const condition: Record<string, Record<string, JsonValue>> = dict();
    for (const c of s.conditions) (own(condition, c.operator) ?? (condition[c.operator] = dict()))[c.key] = [...c.values];
    out.Condition = condition;
  }
  return out;
}

/**
 * Merges statements the way `aws_iam_policy_document` does: start from the source documents,
 * then this document's own statements, then each override document in order; a statement whose
 * non-empty Sid is already present replaces it in place, the others are appended.
 */
export function mergeBySid(layers: readonly (readonly Statement[])[]): Statement[] {
  const merged: Statement[] = [];
  const bySid = new Map<string, number>();
  for (const layer of layers) {
    for (const statement of layer) {
      const at = statement.sid ? bySid.get(statement.sid) : undefined;
      if (at !== undefined) merged[at] = statement;
      else {
        if (statement.sid) bySid.set(statement.sid, merged.length);
        merged.push(statement);
      }
    }
  }
  return merged.map((s, index) => ({ ...s, index }));
}
