/**
 * AuditData for the HTML report tests: the hand-made realistic one (fixtures/report), a hostile
 * variant whose every input-derived string carries script, event-handler and markdown payloads,
 * and a generated large stack (1,000 services).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditData, ExposureEntry, HandlerAudit, InventoryService, MatrixRow } from '../src/model/audit.js';
import type { Result, RunResults } from '../src/model/findings.js';
import type { ServiceType } from '../src/model/types.js';
import { FIXTURES, loadResults } from './report-helpers.js';

export function loadAudit(): AuditData {
  return JSON.parse(readFileSync(join(FIXTURES, 'audit-data.json'), 'utf8')) as AuditData;
}

export const PAYLOAD =
  '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><svg onload="window.__pwned=3"></svg>"\'><b ' +
    'onmouseover=window.__pwned=4>[click](https://evil.example/x)';

// Our own enums: not input-derived, so the renderer may switch on them.
const ENUM_KEYS = new Set(['state', 'kind', 'serviceType', 'source', 'exposure', 'severity']);

/** Every input-derived string gets the payload appended (addresses, messages, tags, reasons). */
function poison<T>(value: T, key = ''): T {
  if (typeof value === 'string') return (ENUM_KEYS.has(key) ? value : `${value}${PAYLOAD}`) as T;
  if (Array.isArray(value)) return value.map((v) => poison(v, key)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v, k)])) as T;
  }
  return value;
}

export function hostileAudit(): { audit: AuditData; results: RunResults } {
  const results = loadResults('run-results');
  return {
    audit: poison(loadAudit()),
    results: { ...poison(results), tool: results.tool },
  };
}

const TYPES: readonly ServiceType[] = ['function', 'orchestrator', 'microservice', 'pipeline', 'shared'];
const FILE = 'cdktf.out/stacks/platform/cdk.tf.json';

/** A 1,000-service stack: inventory, matrix rows, exposures, handlers and 3,000 findings. */
export function largeAudit(services = 1000): { audit: AuditData; results: RunResults } {
  const base = loadAudit();
  const inventory = new Map<ServiceType, InventoryService[]>();
  const matrix: MatrixRow[] = [];
  const exposure: ExposureEntry[] = [];
  const handlers: HandlerAudit[] = [];
  const findings: Result[] = [];
  for (let i = 0; i < services; i++) {
    const type = TYPES[i % TYPES.length]!;
    const fn = `aws_lambda_function.svc_${i}`;
    const role = `aws_iam_role.svc_${i}`;
    const list = inventory.get(type) ?? [];
    list.push({
      address: fn, resourceType: 'aws_lambda_function', source: 'tag', reason: `tag hybridguard:service-type=${type} on ${fn}`,
      location: { file: FILE, address: fn, line: 100 + i * 11 }, roles: [role], ...(i % 7 === 0 ? { exposure: i % 14 === 0 ? 'direct' : 'gateway' } : {}),
      findings: 3, suppressed: i % 10 === 0 ? 1 : 0,
    });
    inventory.set(type, list);
    matrix.push({
      principal: role,
      kind: 'role',
      serviceType: type,
      usedBy: [fn],
      location: { file: FILE, address: role, line: 105 + i * 11 },
      cells: base.capabilities.map((_c, c) =>
        (i + c) % 4 === 0
          ? {
              state: 'granted' as const,
              actions: ['sagemaker:CreateTrainingJob'],
              conditions: [],
              evidence: [{ kind: 'statement', message: `statement 0 of ${role} allows sagemaker:*`, location: { file: FILE, line: 107 + i * 11 } }],
              ...(c === 0 ? { violation: { ruleIds: ['HG-IAM-001'], suppressed: false } } : {}),
            }
          : { state: 'none' as const, actions: [], conditions: [], evidence: [] },
      ),
    });
    if (i % 7 === 0) {
      const direct = i % 14 === 0;
      exposure.push({
        address: fn, resourceType: 'aws_lambda_function', serviceType: type, location: { file: FILE, address: fn, line: 100 + i * 11 },
        viaGateway: !direct, isGateway: false, entry: direct ? `aws_lambda_function_url.svc_${i}` : 'aws_apigatewayv2_api.main',
        path: direct ? [`aws_lambda_function_url.svc_${i}`, fn] : ['aws_apigatewayv2_api.main', `aws_apigatewayv2_route.svc_${i}`, fn],
        ports: ['tcp/443'], worldPorts: direct ? ['tcp/443'] : [], mechanisms: [direct ? 'function-url' : 'gateway-integration'],
        evidence: [{ kind: 'path-hop', message: `hop to ${fn}` }], otherPaths: [],
      });
    }
    handlers.push({
      resource: fn, resourceType: 'aws_lambda_function', serviceType: type, role, entry: `src/svc_${i}/handler.ts`,
      calls: [{ sdkCall: 'new PutObjectCommand() (@aws-sdk/client-s3)', actions: ['s3:PutObject'], file: `src/svc_${i}/handler.ts`, line: 12 }],
      missing: i % 9 === 0 ? [{ action: 's3:PutObject', sites: [`src/svc_${i}/handler.ts:12`], denied: false }] : [],
      conditional: [], unused: [{ prefix: 's3', count: 2, actions: ['s3:DeleteObject', 's3:GetObject'] }], unusedCount: 2,
    });
    for (const [ruleId, severity] of [['HG-IAM-001', 'error'], ['HG-IAM-010', 'warning'], ['HG-RES-001', 'note']] as const) {
      findings.push({
        ruleId,
        ruleName: ruleId.toLowerCase(),
        severity,
        message: `${role} finding ${ruleId}`,
        rationale: 'r',
        remediation: 'fix it',
        serviceType: type,
        location: { file: FILE, address: role, line: 105 + i * 11 },
        evidence: [{ kind: 'statement', message: 'statement 0 allows *', location: { file: FILE, line: 107 + i * 11 } }],
        fingerprint: `${ruleId}|${role}|`,
        ...(i % 10 === 0 && severity === 'warning'
          ? { suppression: { reason: 'accepted risk for now', owner: 'team', expires: '2027-01-01', source: 'hybridguard.config.yaml:3' } }
          : {}),
      });
    }
  }
  exposure.push({
    address: 'aws_apigatewayv2_api.main',
    resourceType: 'aws_apigatewayv2_api',
    serviceType: 'gateway',
    location: { file: FILE, address: 'aws_apigatewayv2_api.main', line: 5 },
    viaGateway: true,
    isGateway: true,
    entry: 'aws_apigatewayv2_api.main',
    path: ['aws_apigatewayv2_api.main'],
    ports: ['tcp/443'],
    worldPorts: ['tcp/443'],
    mechanisms: ['gateway'],
    evidence: [{ kind: 'path-hop', message: 'public API' }],
    otherPaths: [],
  });
  exposure.sort((a, b) => (a.address < b.address ? -1 : 1));
  const results = loadResults('run-results');
  return {
    audit: {
      ...base,
      inventory: TYPES.map((t) => ({ serviceType: t, services: inventory.get(t) ?? [] })),
      matrix,
      exposure,
      handlers,
      notes: [],
    },
    results: { ...results, results: findings, baseline: undefined },
  };
}
