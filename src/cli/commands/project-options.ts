import type { Command } from 'commander';
import type { CheckOptions } from '../../api/project.js';

/** The flags every command that runs the policies shares (check, audit, baseline). */
export interface ProjectFlags {
  readonly code?: string;
  readonly policy?: string[];
  readonly config?: string;
  readonly suppressions?: string;
  readonly baseline?: string;
  readonly varFile?: string[];
  readonly var?: string[];
}

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addProjectOptions(command: Command): Command {
  return command
    .argument('[inputs...]', 'cdktf.out folder, stack folder, *.tf.json, plan JSON, or folder of *.tf (default: nearest cdktf.out, else .)')
    .option('--code <dir>', 'project root of the handler code (enables code rules)')
    .option('--policy <path>', 'extra policy file or folder (repeatable)', collect, [])
    .option('--config <file>', 'hybridguard.config.yaml|json (default: found in the current folder)')
    .option('--suppressions <file>', 'central suppressions file (YAML or JSON), e.g. one owned by the security team')
    .option('--var-file <file>', 'Terraform variable values (tfvars or JSON) for the root modules, as terraform -var-file (repeatable)', collect, [])
    .option('--var <name=value>', 'a Terraform variable value for the root modules, as terraform -var (repeatable)', collect, []);
}

export function projectOptions(inputs: readonly string[], cwd: string, flags: ProjectFlags, env?: Readonly<Record<string, string | undefined>>): CheckOptions {
  return {
    inputs,
    cwd,
    ...(flags.varFile?.length ? { varFiles: flags.varFile } : {}),
    ...(flags.var?.length ? { vars: flags.var } : {}),
    ...(env ? { env } : {}),
    policyPaths: flags.policy ?? [],
    ...(flags.code ? { code: flags.code } : {}),
    ...(flags.config ? { configPath: flags.config } : {}),
    ...(flags.suppressions ? { suppressionsPath: flags.suppressions } : {}),
    ...(flags.baseline ? { baselinePath: flags.baseline } : {}),
  };
}
