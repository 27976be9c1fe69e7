import type { Facts } from '../types.js';
import type { Evidence, FindingDraft } from '../../model/findings.js';
import type { Policy } from '../../model/policy.js';
import type { CodeCall, CodeFacts, CodeImport, HandlerFacts } from '../../analysis/code/index.js';
import type { Check } from '../types.js';

/** Handlers a policy selects: those whose service type it names (every handler when it names none). */
export function selectedHandlers(facts: Facts, policy: Policy): { code: CodeFacts; handlers: readonly HandlerFacts[] } | undefined {
  const code = facts.code();
  if (!code) return undefined;
  const handlers =
    policy.serviceTypes.length === 0 ? code.handlers : code.handlers.filter((h) => h.serviceType !== undefined && policy.serviceTypes.includes(h.serviceType));
  return { code, handlers };
}

/** Shortest chain first, then file and line: the site a finding points at. */
export function bySite<T extends { readonly chain: readonly string[]; readonly file: string; readonly line: number; readonly column: number }>(
  a: T,
  b: T,
): number {
  return a.chain.length - b.chain.length || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column;
}

export function chainText(code: CodeFacts, chain: readonly string[]): string {
  return chain.map((f) => code.displayPath(f)).join(' -> ');
}

export function callEvidence(code: CodeFacts, call: CodeCall, what: string): Evidence {
  return {
    kind: 'call',
    message: `${code.displayPath(call.file)}:${call.line}:${call.column} ${call.sdkCall} ${what}`,
    location: { file: code.displayPath(call.file), line: call.line },
    data: {
      sdkCall: call.sdkCall,
      actions: [...call.action],
      ...(call.resourceArns ? { resourceArns: [...call.resourceArns] } : {}),
      chain: call.chain.map((f) => code.displayPath(f)),
    },
  };
}

export function chainEvidence(code: CodeFacts, handler: HandlerFacts, site: { readonly chain: readonly string[] }): Evidence[] {
  if (site.chain.length < 2) return [];
  return [
    {
      kind: 'import',
      message: `${handler.resourceAddress} reaches it through ${chainText(code, site.chain)}`,
      location: { file: code.displayPath(site.chain[0]!), line: 1 },
      data: { chain: site.chain.map((f) => code.displayPath(f)) },
    },
  ];
}

export function importEvidence(code: CodeFacts, imp: CodeImport): Evidence {
  return {
    kind: 'import',
    message: `${code.displayPath(imp.file)}:${imp.line}:${imp.column} ${
      imp.kind === 'require' ? 'requires' : imp.kind === 'dynamic-import' ? 'dynamically imports' : 'imports'
    } ${imp.specifier}${imp.chain.length > 1 ? ` (reached through ${chainText(code, imp.chain)})` : ''}`,
    location: { file: code.displayPath(imp.file), line: imp.line },
    data: { specifier: imp.specifier, kind: imp.kind, chain: imp.chain.map((f) => code.displayPath(f)) },
  };
}

export function handlerTypeEvidence(handler: HandlerFacts): Evidence[] {
  if (!handler.serviceType) return [];
  return [
    {
      kind: 'service-type',
      message: `${handler.resourceAddress} is a ${handler.serviceType}${handler.serviceTypeReason ? ` (${handler.serviceTypeReason})` : ''}; its code is ${
        handler.entry
      } (${handler.source.detail})`,
      data: { type: handler.serviceType, ...(handler.serviceTypeReason ? { reason: handler.serviceTypeReason } : {}), entry: handler.entry },
    },
  ];
}

/** Location and service type fields of a finding at a site in a handler's code. */
export function codeFinding(
  code: CodeFacts,
  handler: HandlerFacts,
  site: { readonly file: string; readonly line: number },
): Pick<FindingDraft, 'location' | 'serviceType' | 'serviceTypeReason'> {
  return {
    location: { file: code.displayPath(site.file), line: site.line, address: handler.resourceAddress },
    ...(handler.serviceType ? { serviceType: handler.serviceType } : {}),
    ...(handler.serviceTypeReason ? { serviceTypeReason: handler.serviceTypeReason } : {}),
  };
}

/** `a, b, c and 12 more` */
export function listOf(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The `ignoreActions` parameter of the grant rules: IAM action patterns, each checked against the catalog. */
export function ignoreActionsParam(description: string): Pick<Check, 'paramsSchema' | 'validate'> {
  return {
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ignoreActions: { type: 'array', items: { type: 'string', description: 'An IAM action pattern (case-insensitive glob).' }, description },
      },
    },
    validate: (params, context) =>
      stringList(params.ignoreActions).flatMap((p, i) =>
        context.matchesAnyAction(p) ? [] : [{ field: `ignoreActions/${i}`, message: `${p} matches no IAM action` }],
      ),
  };
}
