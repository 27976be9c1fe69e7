/**
 * `hybridguard query exposure`: what is reachable, then (in its own section, and marked in JSON)
 * what may be, with the value known only after apply that decides it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { baseStack, sgRule } from '../fixtures/network/stack.js';

async function query(stack: ReturnType<typeof baseStack>, format: 'json' | 'text'): Promise<{ code: number; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hg-query-'));
  writeFileSync(join(dir, 'main.tf.json'), stack.json());
  let stdout = '';
  const io: CliIo = {
    cwd: dir,
    env: { NO_COLOR: '1' },
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: () => true, isTTY: false },
  };
  const code = await main(['query', 'exposure', join(dir, 'main.tf.json'), '--format', format], io);
  return { code, stdout };
}

/** The base stack, plus a bastion whose SSH CIDR comes from a variable. */
function withUndecidedBastion(): ReturnType<typeof baseStack> {
  const s = baseStack();
  s.add('aws_security_group', 'bastion', {
    vpc_id: '${aws_vpc.main.id}',
    ingress: [sgRule({ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: '${var.admin_cidrs}' })],
  });
  s.add('aws_instance', 'bastion', {
    ami: 'ami-1',
    instance_type: 't3.micro',
    subnet_id: '${aws_subnet.public_a.id}',
    vpc_security_group_ids: ['${aws_security_group.bastion.id}'],
  });
  (s.doc as { variable?: unknown }).variable = { admin_cidrs: { type: 'list(string)' } };
  return s;
}

describe('query exposure', () => {
  it('text: reachable resources first, then a separate section naming the unknown value', async () => {
    const { code, stdout } = await query(withUndecidedBastion(), 'text');
    expect(code).toBe(0);
    const [reachable, undecided] = stdout.split('\n\n');
    expect(reachable).toMatch(/^aws_apigatewayv2_api\.api \(gateway\) DIRECTLY on tcp\/443/);
    expect(reachable).toContain('aws_lb.web (untyped) DIRECTLY on tcp/443');
    expect(reachable).not.toContain('aws_instance.bastion');
    expect(undecided).toMatch(
      /^May be reachable, undecided because a value is known only after apply or is not in this configuration \(1\):\naws_instance\.bastion \(untyped\) DIRECTLY/,
    );
    expect(undecided).toMatch(/unknown: .*var\.admin_cidrs/);
  });

  it('JSON: the same array, undecided entries marked with an optional `undecided` reason', async () => {
    const entries = JSON.parse((await query(withUndecidedBastion(), 'json')).stdout) as Record<string, unknown>[];
    expect(entries.map((e) => e['address'])).toEqual([
      'aws_apigatewayv2_api.api',
      'aws_ecs_service.serving',
      'aws_instance.bastion',
      'aws_lambda_function.ingest',
      'aws_lb.web',
    ]);
    for (const e of entries) {
      const keys = Object.keys(e).sort();
      if (e['address'] === 'aws_instance.bastion') {
        expect(keys).toEqual(['address', 'path', 'ports', 'serviceType', 'undecided', 'viaGateway']);
        expect(e['undecided']).toMatch(/var\.admin_cidrs/);
      } else expect(keys).toEqual(['address', 'path', 'ports', 'serviceType', 'viaGateway']);
    }
  });

  it('says so when nothing is certain', async () => {
    const s = withUndecidedBastion()
      .remove('aws_apigatewayv2_api', 'api')
      .remove('aws_apigatewayv2_stage', 'default')
      .remove('aws_apigatewayv2_integration', 'ingest')
      .remove('aws_apigatewayv2_route', 'ingest');
    s.set('aws_lb', 'web', { internal: true });
    const { stdout } = await query(s, 'text');
    expect(stdout).toMatch(/^Nothing is certainly reachable from the internet\.\n\nMay be reachable/);
  });
});
