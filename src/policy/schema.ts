import { createRequire } from 'node:module';
import type { Ajv, Options } from 'ajv';
import { SERVICE_TYPES } from '../model/types.js';
import type { Severity } from '../model/findings.js';
import type { Check } from '../rules/types.js';

/**
 * The one source of the policy, config and suppression file schemas. `scripts/gen-schema.ts`
 * writes them to `schema/` for editors (`# yaml-language-server: $schema=...`), and the loader
 * validates with the very same objects, so editor completion and `policies validate` agree.
 */

type Schema = { [key: string]: unknown };

// Spelled out here (not imported from engine/) because policy/ sits upstream of engine/.
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];

/**
 * `format` a check puts on a string parameter that holds an IAM action pattern
 * (`sagemaker:Create*`). The loader then checks the pattern names a real service and matches at
 * least one real action, exactly as it does for capability grants.
 */
export const IAM_ACTION_PATTERN_FORMAT = 'iam-action-pattern';
/** `format` for a string parameter naming a capability: the loader checks the capability exists. */
export const CAPABILITY_NAME_FORMAT = 'capability-name';

const POLICY_ID_PATTERN = '^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$';
const KEBAB_PATTERN = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$';
const ACTION_SYNTAX = /^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$/;
const DATE_SYNTAX = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Human phrases for the patterns above, used in error messages instead of the raw regex. */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [POLICY_ID_PATTERN]: 'an upper-case id of dash-separated parts, like HG-IAM-001 or ACME-7',
  [KEBAB_PATTERN]: 'a kebab-case name, like no-gpu-in-functions',
  '^https?://': 'an http(s) URL',
};

export const FORMAT_HINTS: Readonly<Record<string, string>> = {
  [IAM_ACTION_PATTERN_FORMAT]: 'an IAM action pattern of the form service:Action (wildcards * and ? allowed)',
  [CAPABILITY_NAME_FORMAT]: 'a kebab-case capability name',
  date: 'an ISO date YYYY-MM-DD',
};

const SCHEMA_BASE = 'https://hybridguard.dev/schema/';

/** A real calendar date, `YYYY-MM-DD` (2025-02-30 is refused). */
function isIsoDate(text: string): boolean {
  const m = DATE_SYNTAX.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const isActionPatternSyntax = (text: string): boolean => ACTION_SYNTAX.test(text);

/**
 * ajv configured for hybridguard schemas: strict, all errors, our formats registered. Loaded on
 * first use (ajv is CommonJS): a run over the built-in policies and no config file validates
 * nothing, and loading ajv cost it about 40 ms.
 */
export function createAjv(options: Options = {}): Ajv {
  const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  const ajv = new AjvClass({ allErrors: true, strict: true, strictTypes: true, strictTuples: true, strictRequired: true, ...options });
  ajv.addFormat(IAM_ACTION_PATTERN_FORMAT, { type: 'string', validate: isActionPatternSyntax });
  ajv.addFormat(CAPABILITY_NAME_FORMAT, { type: 'string', validate: (s: string) => new RegExp(KEBAB_PATTERN).test(s) });
  ajv.addFormat('date', { type: 'string', validate: isIsoDate });
  return ajv;
}

const text = (description: string, extra: Schema = {}): Schema => ({ type: 'string', minLength: 1, description, ...extra });

const schemaKey = (description: string): Schema => ({
  type: 'string',
  description: `${description} (lets editors find this schema; ignored by hybridguard).`,
});

const severitySchema = (description: string): Schema => ({ type: 'string', enum: [...SEVERITIES], description });

const serviceTypeSchema = (description: string): Schema => ({ type: 'string', enum: [...SERVICE_TYPES], description });

export function suppressionSchema(): Schema {
  return {
    type: 'object',
    description: 'One suppression: silences one rule, optionally on some resources and one subject, with a reason.',
    additionalProperties: false,
    required: ['rule', 'reason'],
    properties: {
      rule: text('Id (HG-IAM-001) or name (no-gpu-in-functions) of the policy to silence.'),
      address: text(
        'Terraform address, construct path or code file the suppression applies to; `*` and `?` wildcards allowed (aws_iam_role.ingest_*). Absent: every ' +
          'resource.',
      ),
      subject: text('One part of a finding to silence, e.g. one IAM action of one role (sagemaker:CreateModelPackage). Absent: the whole finding.'),
      reason: text('Why this finding is accepted, for reviewers and auditors. At least 10 characters.', { minLength: 10 }),
      owner: text('Who answers for this suppression (team or person).'),
      expires: text('ISO date (YYYY-MM-DD) after which the suppression stops working and is reported as an error.', {
        format: 'date',
      }),
    },
  };
}

function grantSchema(): Schema {
  return {
    type: 'object',
    description: 'One IAM grant that makes up the capability.',
    additionalProperties: false,
    required: ['actions'],
    properties: {
      actions: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        description: 'IAM action patterns (case-insensitive, `*` and `?` wildcards); each must match at least one real action.',
        items: {
          type: 'string',
          format: IAM_ACTION_PATTERN_FORMAT,
          description: 'An IAM action pattern, e.g. sagemaker:CreateTrainingJob or sagemaker:*Model*.',
        },
      },
      requestContext: {
        type: 'object',
        description: 'Condition key -> values: the grant counts only for requests carrying one of these values (e.g. ec2:InstanceType: [p4d.24xlarge]).',
        propertyNames: { type: 'string', minLength: 1 },
        additionalProperties: {
          type: 'array',
          minItems: 1,
          description: 'Values of the condition key that make the grant count.',
          items: { type: 'string', description: 'One value of the condition key.' },
        },
      },
      resource: text('Resource ARN the request targets, when only some resources matter (iam:PassRole on *).'),
      notResource: {
        type: 'array',
        minItems: 1,
        description:
          'Resource ARN patterns on which the grant never counts, because AWS refuses the action there whatever the policies say (policy edits of ' +
            'service-linked roles, under role/aws-service-role/). The grant counts when some other resource of the action is allowed.',
        items: { type: 'string', minLength: 1, description: 'A resource ARN pattern (`*` and `?` wildcards), e.g. arn:*:iam::*:role/aws-service-role/*.' },
      },
    },
  };
}

function capabilitySchema(): Schema {
  return {
    type: 'object',
    description: 'A named set of IAM grants that policies can deny or allow by name.',
    additionalProperties: false,
    required: ['description', 'grants'],
    properties: {
      description: text('What holding this capability lets a principal do, in one sentence.'),
      grants: {
        type: 'array',
        minItems: 1,
        description: 'The grants; a principal holds the capability if any one of them is allowed.',
        items: grantSchema(),
      },
    },
  };
}

function assertSchema(checks: readonly Check[]): Schema {
  const properties: Schema = {};
  for (const check of [...checks].sort((a, b) => a.name.localeCompare(b.name))) {
    const params = check.paramsSchema as Schema;
    properties[check.name] = { ...params, description: typeof params['description'] === 'string' ? params['description'] : check.description };
  }
  return {
    type: 'object',
    description: 'What the policy asserts: exactly one key, the name of a check, whose value is that check\'s parameters.',
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    properties,
  };
}

function policySchema(checks: readonly Check[]): Schema {
  return {
    type: 'object',
    description: 'One policy: a rule with stable id and name, severity, the service types it selects and what it asserts.',
    additionalProperties: false,
    required: ['id', 'name', 'severity', 'description', 'rationale', 'remediation', 'assert'],
    properties: {
      id: text('Stable short id (HG-IAM-001). Suppressions and baselines refer to it: never renumber.', { pattern: POLICY_ID_PATTERN }),
      name: text('Stable long kebab-case name (no-gpu-in-functions); also the docs page and fixture folder name.', { pattern: KEBAB_PATTERN }),
      severity: severitySchema('error fails the gate by default, warning and note inform (see --fail-on).'),
      serviceTypes: {
        type: 'array',
        uniqueItems: true,
        description: 'Service types the policy selects; absent or empty: every resource the check looks at.',
        items: serviceTypeSchema('A service type from the architecture vocabulary.'),
      },
      description: text('What the policy checks, in one line.'),
      rationale: text('Why it matters: the risk when the policy is violated.'),
      remediation: text('How to fix a finding.'),
      helpUri: text('Link to further documentation.', { pattern: '^https?://' }),
      assert: assertSchema(checks),
    },
  };
}

/** JSON Schema (draft-07) of a policy file (`policies/*.yaml`, `--policy FILE`). */
export function policyFileSchema(checks: readonly Check[]): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE}hybridguard-policy.schema.json`,
    title: 'hybridguard policy file',
    description: 'Capabilities (named sets of IAM actions) and policies (rules) for hybridguard.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: schemaKey('URL or path of this JSON Schema'),
      capabilities: {
        type: 'object',
        description: 'Capabilities by kebab-case name (gpu-compute, model-registry).',
        propertyNames: { type: 'string', pattern: KEBAB_PATTERN },
        additionalProperties: capabilitySchema(),
      },
      policies: {
        type: 'array',
        description: 'The policies of this file.',
        items: policySchema(checks),
      },
    },
  };
}

/** JSON Schema (draft-07) of `hybridguard.config.yaml|json`. */
export function configFileSchema(): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE}hybridguard-config.schema.json`,
    title: 'hybridguard project config',
    description: 'Project settings for hybridguard: service types, handler sources, extra policies, suppressions, gate level.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: schemaKey('URL or path of this JSON Schema'),
      serviceTypes: {
        type: 'object',
        description: 'Service type per resource address (`*` and `?` wildcards allowed), for resources whose tags do not say.',
        propertyNames: { type: 'string', minLength: 1 },
        additionalProperties: serviceTypeSchema('The service type of the matching resources.'),
      },
      sources: {
        type: 'object',
        description: 'Handler source per Lambda function address, as a path relative to the project root.',
        propertyNames: { type: 'string', minLength: 1 },
        additionalProperties: text('Path of the handler source file or folder, relative to the project root.'),
      },
      services: {
        type: 'object',
        description: 'Code folder per container service (ECS service or task definition address).',
        propertyNames: { type: 'string', minLength: 1 },
        additionalProperties: text('Path of the service\'s code folder, relative to the project root.'),
      },
      policies: {
        type: 'array',
        description: 'Extra policy files or folders, relative to the working directory hybridguard runs in.',
        items: text('A policy file (*.yaml, *.yml, *.json) or a folder of them.'),
      },
      suppressions: {
        type: 'array',
        description: 'Suppressions, as in a suppressions file.',
        items: suppressionSchema(),
      },
      failOn: severitySchema('Lowest severity that fails the gate (exit 1); --fail-on overrides it.'),
    },
  };
}

/** JSON Schema (draft-07) of a suppressions file (`suppressions.yaml`). */
export function suppressionsFileSchema(): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE}hybridguard-suppressions.schema.json`,
    title: 'hybridguard suppressions',
    description: 'Accepted findings, each with a reason, optional owner and expiry. Suppressed findings are still reported, as suppressed.',
    type: 'object',
    additionalProperties: false,
    required: ['suppressions'],
    properties: {
      $schema: schemaKey('URL or path of this JSON Schema'),
      suppressions: { type: 'array', description: 'The suppressions.', items: suppressionSchema() },
    },
  };
}

/** The shipped schema files, by file name under `schema/`, as the bytes to write. */
export function renderSchemas(checks: readonly Check[]): Record<string, string> {
  const render = (schema: object): string => `${JSON.stringify(schema, null, 2)}\n`;
  return {
    'hybridguard-policy.schema.json': render(policyFileSchema(checks)),
    'hybridguard-config.schema.json': render(configFileSchema()),
    'hybridguard-suppressions.schema.json': render(suppressionsFileSchema()),
  };
}
