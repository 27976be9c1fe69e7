import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT, loadPolicySet } from '../../api/project.js';
import { readPolicyFixtures } from '../../inputs/policy-files.js';
import { choiceOption, type CliIo } from '../io.js';
import { emit } from '../output.js';
import { explainCheck, explainMetaRule, explainPolicy } from '../../policy/docs.js';
import { META_RULES } from '../../rules/meta/index.js';
import { CHECKS, findCheck } from '../../rules/index.js';
import { usageError } from '../../errors.js';
import type { RuleDescriptor } from '../../model/findings.js';

type ListedRule = Pick<RuleDescriptor, 'id' | 'name' | 'severity' | 'serviceTypes' | 'description'>;

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
      const row = ({ id, name, severity, serviceTypes, description }: ListedRule, check: string) => ({ id, name, severity, serviceTypes, check, description });
      // The engine's own rules run on every check, so they belong in the list; each is its own check, in rules/meta/.
      const rows = [...set.policies.map((p) => row(p, p.check)), ...META_RULES.map((r) => row(r, r.name))];
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
    .description("a rule's rationale, what it checks, a failing and a passing example, and the file, fixtures and test behind it")
    .argument('<rule>', 'rule id, rule name or check name, e.g. HG-IAM-009, no-forbidden-grants-behind-boundary or boundary-blocked-capabilities')
    .option('--policy <path>', 'extra policy file or folder (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .action((rule: string, flags: { policy: string[] }) => {
      const set = loadPolicySet({ cwd: io.cwd, policyPaths: flags.policy });
      const fixturesOf = (name: string) => readPolicyFixtures(join(PACKAGE_ROOT, 'fixtures', 'rules'), name, io.cwd);
      const named = (r: { id: string; name: string }) => r.id === rule || r.name === rule;
      const policy = set.policies.find(named);
      const meta = META_RULES.find(named);
      // A check name leads to the one rule that uses it, or lists the rules when several do.
      const check = findCheck(rule);
      const users = set.policies.filter((p) => p.check === rule);
      if (policy) emit(io, explainPolicy(policy, fixturesOf(policy.name)), undefined);
      else if (meta) emit(io, explainMetaRule(meta, fixturesOf(meta.name)), undefined);
      else if (users.length === 1 && users[0]) emit(io, explainPolicy(users[0], fixturesOf(users[0].name)), undefined);
      else if (check) emit(io, explainCheck(check, users, fixturesOf), undefined);
      else {
        const rules = [...set.policies, ...META_RULES].map((p) => p.name).join(', ');
        throw usageError(`no rule or check named "${rule}"`, `a rule id or name (${rules}) or a check name (${CHECKS.map((c) => c.name).join(', ')})`);
      }
    });
}
