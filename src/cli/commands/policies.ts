import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT, loadPolicySet } from '../../api/project.js';
import { readPolicyFixtures } from '../../inputs/policy-files.js';
import { choiceOption, type CliIo } from '../io.js';
import { emit } from '../output.js';
import { explainPolicy, renderMetaRuleDoc } from '../../policy/docs.js';
import { META_RULES } from '../../model/meta-rules.js';
import { usageError } from '../../errors.js';

export function registerPolicies(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  const policies = program.command('policies').description('list, validate and explain policies');

  policies
    .command('list')
    .description('every policy that a check would run (built-in packs plus --policy and config)')
    .option('--policy <path>', 'extra policy file or folder (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--config <file>', 'hybridguard.config.yaml|json')
    .addOption(choiceOption('--format <format>', 'output format', ['text', 'json'], 'text'))
    .action((flags: { policy: string[]; config?: string; format: 'text' | 'json' }) => {
      const set = loadPolicySet({ cwd: io.cwd, policyPaths: flags.policy, ...(flags.config ? { configPath: flags.config } : {}) });
      const rows = [
        ...set.policies.map((p) => ({
          id: p.id,
          name: p.name,
          severity: p.severity,
          serviceTypes: p.serviceTypes,
          check: p.check,
          description: p.description,
        })),
        // The engine's own rules run on every check, so they belong in the list.
        ...META_RULES.map((r) => ({ id: r.id, name: r.name, severity: r.severity, serviceTypes: r.serviceTypes, check: 'engine', description: r.description })),
      ];
      const width = (pick: (r: (typeof rows)[number]) => string) => Math.max(0, ...rows.map((r) => pick(r).length));
      const types = (r: (typeof rows)[number]) => r.serviceTypes.join(',') || 'all';
      const [idW, nameW, typeW] = [width((r) => r.id), width((r) => r.name), width(types)];
      const text =
        flags.format === 'json'
          ? JSON.stringify(rows, null, 2)
          : rows.map((r) => `${r.id.padEnd(idW)}  ${r.name.padEnd(nameW)}  ${r.severity.padEnd(7)}  ${types(r).padEnd(typeW)}  ${r.description}`).join('\n');
      emit(io, text, undefined);
    });

  policies
    .command('validate')
    .description('validate policy files (schema, capabilities, IAM action patterns) without running them')
    .argument('<files...>', 'policy files or folders')
    .action((files: string[]) => {
      const set = loadPolicySet({ cwd: io.cwd, policyPaths: files.map((f) => resolve(io.cwd, f)) });
      emit(io, `ok: ${set.policies.length} policies and ${set.capabilities.size} capabilities are valid`, undefined);
    });

  policies
    .command('explain')
    .description("a rule's rationale, what it checks, and a failing and a passing example")
    .argument('<rule>', 'policy id or name, e.g. HG-IAM-001 or no-gpu-in-functions')
    .option('--policy <path>', 'extra policy file or folder (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .action((rule: string, flags: { policy: string[] }) => {
      const set = loadPolicySet({ cwd: io.cwd, policyPaths: flags.policy });
      const named = (r: { id: string; name: string }) => r.id === rule || r.name === rule;
      const policy = set.policies.find(named);
      const meta = META_RULES.find(named);
      if (policy) emit(io, explainPolicy(policy, readPolicyFixtures(join(PACKAGE_ROOT, 'fixtures', 'rules'), policy.name, io.cwd)), undefined);
      else if (meta) emit(io, renderMetaRuleDoc(meta), undefined);
      else throw usageError(`no policy named "${rule}"`, `one of: ${[...set.policies, ...META_RULES].map((p) => p.name).join(', ')}`);
    });
}
