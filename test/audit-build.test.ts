/**
 * buildAudit over the real pipeline: the bundled example stack (fixtures/example, with its
 * deliberate mistakes listed in its README) read, analysed and checked, then turned into the
 * audit data model and the HTML page.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkProject, type CheckRun } from '../src/api/project.js';
import { buildAudit } from '../src/engine/audit.js';
import type { AuditData } from '../src/model/audit.js';
import { createFacts } from '../src/engine/facts.js';
import { renderAuditHtml } from '../src/report/html/index.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'example');
let run: CheckRun;
let audit: AuditData;

beforeAll(async () => {
  run = await checkProject({ inputs: [join(ROOT, 'cdktf.out')], cwd: ROOT, code: ROOT, today: '2026-11-28' });
  audit = buildAudit(run.facts, run.results);
}, 120_000);

const service = (address: string) => audit.inventory.flatMap((g) => g.services.map((s) => ({ ...s, group: g.serviceType }))).find((s) => s.address === address);
const row = (principal: string) => audit.matrix.find((r) => r.principal === principal)!;
const cell = (principal: string, capability: string) => row(principal).cells[audit.capabilities.findIndex((c) => c.name === capability)]!;

describe('buildAudit on the example stack', () => {
  it('lists services by type with the reason, the role they run as and how they are exposed', () => {
    const fns = audit.inventory.find((g) => g.serviceType === 'function')!.services.map((s) => s.address);
    expect(fns).toEqual(
      expect.arrayContaining(['aws_lambda_function.ingest', 'aws_lambda_function.predict', 'aws_lambda_function.preprocess', 'aws_lambda_function.register']),
    );
    const ingest = service('aws_lambda_function.ingest')!;
    expect(ingest.roles).toEqual(['aws_iam_role.ingest_role']);
    expect(ingest.reason).toBeTruthy();
    expect(ingest.source).toBeDefined();
    expect(service('aws_lambda_function.predict')!.exposure).toBe('direct');
    expect(service('aws_ecs_service.serving')).toMatchObject({ group: 'microservice', roles: ['aws_iam_role.serving_task_role'] });
    expect(service('aws_apigatewayv2_api.api')).toMatchObject({ group: 'gateway', exposure: 'public-by-design' });
    // A role used by a task definition belongs to it: never listed as a service of its own.
    expect(service('aws_iam_role.serving_execution_role')).toBeUndefined();
  });

  it('builds the permission matrix with the granting statements and marks the violations', () => {
    expect(audit.capabilities.map((c) => c.name)).toEqual(expect.arrayContaining(['gpu-compute', 'model-registry']));
    const gpu = cell('aws_iam_role.ingest_role', 'gpu-compute');
    expect(gpu.state).toBe('granted');
    expect(gpu.violation?.ruleIds).toEqual(['HG-IAM-001']);
    expect(gpu.evidence.some((e) => e.kind === 'statement' && e.location?.address === 'aws_iam_role_policy.ingest_policy')).toBe(true);
    expect(cell('aws_iam_role.register_role', 'model-registry').violation?.ruleIds).toEqual(['HG-IAM-002']);
    expect(row('aws_iam_role.predict_role').cells.every((c) => c.state === 'none' && !c.violation)).toBe(true);
    // The serving microservice may hold model-registry rights: granted or not, never a violation there.
    expect(cell('aws_iam_role.serving_task_role', 'model-registry').violation).toBeUndefined();
    expect(row('aws_iam_role.ingest_role').usedBy).toEqual(['aws_lambda_function.ingest']);
  });

  it('lists exposure paths with ports, gateway vs around it', () => {
    const bastion = audit.exposure.find((e) => e.address === 'aws_instance.bastion')!;
    expect(bastion).toMatchObject({ viaGateway: false, isGateway: false, ports: ['tcp/22'] });
    expect(bastion.path[0]).toBe(bastion.entry);
    expect(bastion.path.at(-1)).toBe('aws_instance.bastion');
    const predict = audit.exposure.find((e) => e.address === 'aws_lambda_function.predict')!;
    expect(predict.viaGateway).toBe(false);
    expect(predict.entry).toBe('aws_lambda_function_url.predict_url');
    expect(audit.exposure.find((e) => e.address === 'aws_apigatewayv2_api.api')!.isGateway).toBe(true);
  });

  it("compares each handler's SDK calls with its role, agreeing with the code rules", () => {
    const handlers = audit.handlers!;
    const register = handlers.find((h) => h.resource === 'aws_lambda_function.register')!;
    expect(register.role).toBe('aws_iam_role.register_role');
    expect(register.calls.flatMap((c) => c.actions)).toContain('sagemaker:CreateModelPackage');
    const ingest = handlers.find((h) => h.resource === 'aws_lambda_function.ingest')!;
    expect(ingest.unused.map((u) => u.prefix)).toEqual(['sagemaker']);
    expect(ingest.unusedCount).toBeGreaterThan(100);
    expect(ingest.unused[0]!.actions.length).toBeLessThanOrEqual(40);
    // Unused grants shown iff the unused-grants rule reports the role; missing grants iff missing-grants does.
    const unusedRoles = new Set(run.results.results.filter((r) => r.ruleName === 'no-unused-grants').map((r) => r.location.address));
    expect(new Set(handlers.filter((h) => h.unusedCount > 0).map((h) => h.role))).toEqual(unusedRoles);
    const missingFindings = run.results.results.filter((r) => r.ruleName.includes('missing-grants')).length;
    expect(handlers.reduce((n, h) => n + h.missing.length, 0)).toBe(missingFindings);
    expect(audit.notes).toEqual([]);
  });

  it('says so when no code was analysed', () => {
    const facts = createFacts({ graph: run.facts.graph, catalog: run.catalog, capabilities: run.capabilities, config: run.config });
    const noCode = buildAudit(facts, run.results);
    expect(noCode.handlers).toBeUndefined();
    expect(noCode.notes.join(' ')).toContain('--code');
  });

  it('renders to one self-contained page, deterministically', () => {
    const html = renderAuditHtml(audit, run.results);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('<table class="matrix">');
    expect(html).toContain('aws_instance.bastion');
    expect(renderAuditHtml(buildAudit(run.facts, run.results), run.results)).toBe(html);
  });
});
