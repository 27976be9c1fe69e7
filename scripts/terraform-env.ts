/**
 * Terraform CLI settings for deploying the baseline where the Terraform registry is out of
 * reach: a provider mirror folder (HYBRIDGUARD_TF_MIRROR, else a few usual places) and a CLI
 * config that installs hashicorp/* from it. On a machine with internet nothing here is needed:
 * `terraform init` downloads the provider.
 *
 *   npx tsx scripts/terraform-env.ts          # prints `export TF_CLI_CONFIG_FILE=...` for your shell
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const MIRROR_ENV = 'HYBRIDGUARD_TF_MIRROR';
const CANDIDATES = ['/opt/tf-plugins', '/usr/share/terraform/plugins', '/usr/local/share/terraform/plugins', join(homedir(), '.terraform.d', 'plugins')];

/** A folder is a mirror when it holds registry.terraform.io/hashicorp/aws. */
const isMirror = (dir: string): boolean => existsSync(join(dir, 'registry.terraform.io', 'hashicorp', 'aws'));

/** The provider mirror: the env setting (which must be a mirror), else the first usual place that is one. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env[MIRROR_ENV];
  if (configured) {
    const dir = resolve(configured);
    if (!isMirror(dir)) throw new Error(`${MIRROR_ENV}=${configured} does not hold registry.terraform.io/hashicorp/aws`);
    return dir;
  }
  return CANDIDATES.find(isMirror);
}

/** Write a CLI config that installs hashicorp/* from `mirror` and nothing from the network; returns its path. */
export function writeCliConfig(dir: string, mirror: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'terraform.rc');
  writeFileSync(
    path,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return path;
}

/** Environment for terraform/cdktf against an AWS endpoint (moto) with the mirror's CLI config. */
export function terraformEnv(options: { cliConfig?: string; endpoint?: string; region?: string; base?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.base ?? process.env), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  if (options.cliConfig) env['TF_CLI_CONFIG_FILE'] = options.cliConfig;
  if (options.endpoint) {
    // The AWS provider (5.x) and the AWS SDKs read these; fake credentials are fine for moto.
    Object.assign(env, { AWS_ENDPOINT_URL: options.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    delete env['AWS_PROFILE'];
    delete env['AWS_SESSION_TOKEN'];
  }
  const region = options.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
  env['AWS_REGION'] = region;
  env['AWS_DEFAULT_REGION'] = region;
  return env;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const mirror = findProviderMirror();
  if (!mirror) {
    process.stderr.write(`no provider mirror found (set ${MIRROR_ENV}); terraform init will use the registry\n`);
    process.exitCode = 1;
  } else {
    const path = writeCliConfig(join(process.cwd(), '.terraform-cli'), mirror);
    process.stdout.write(`export TF_CLI_CONFIG_FILE=${JSON.stringify(path)}\n`);
  }
}
