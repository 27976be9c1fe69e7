/**
 * Builds a large, realistic AI-platform stack in memory: a shared VPC, an HTTP API, N services
 * (half Lambda functions with handler code, half ECS microservices behind internal load
 * balancers), and a fixed set of planted violations that is the same at every N.
 *
 * Deterministic: every choice comes from a seeded PRNG, so the same (services, seed) always gives
 * byte-identical output.
 */
import { AttrBlocks, Blocks, JsonDoc, Ref, Tpl, type GJson, type GObject, type GResource, type GValue } from './model.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const STACK = 'ai-platform';
const AZS = ['a', 'b', 'c'] as const;

/** mulberry32: small, fast, seeded PRNG (never Math.random, so runs are reproducible). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CodeFile {
  /** Path relative to the project root (the `--code` folder), posix. */
  readonly path: string;
  readonly text: string;
}

/** A violation the generator plants on purpose, with what a correct analyzer must say about it. */
export interface PlantedViolation {
  readonly id: string;
  readonly description: string;
  /** The resource(s) (or code file) a finding must point at. */
  readonly addresses: readonly string[];
  readonly codeFile?: string;
}

export interface GeneratedStack {
  readonly services: number;
  readonly seed: number;
  readonly resources: readonly GResource[];
  readonly code: readonly CodeFile[];
  readonly planted: readonly PlantedViolation[];
  readonly counts: { readonly functions: number; readonly microservices: number; readonly resources: number; readonly codeFiles: number };
}

/** The write the generated DynamoDB code makes: one line in the generated file (the tiny shape counts lines). */
const DYNAMODB_UPDATE =
  "new UpdateItemCommand({ TableName: TABLE, Key: { pk: { S: id } }, UpdateExpression: 'SET body = :b', " +
  "ExpressionAttributeValues: { ':b': { S: body } } })";
const pad = (n: number): string => String(n).padStart(4, '0');
const ref = (address: string, attribute: string): Ref => new Ref(address, attribute);
const single = (item: GObject): Blocks => new Blocks([item], true);
const list = (...items: GObject[]): Blocks => new Blocks(items, false);

const SG_RULE_KEYS = ['cidr_blocks', 'description', 'from_port', 'ipv6_cidr_blocks', 'prefix_list_ids', 'protocol', 'security_groups', 'self', 'to_port'];
const ROUTE_KEYS = [
  'carrier_gateway_id', 'cidr_block', 'core_network_arn', 'destination_prefix_list_id', 'egress_only_gateway_id', 'gateway_id',
  'ipv6_cidr_block', 'local_gateway_id', 'nat_gateway_id', 'network_interface_id', 'transit_gateway_id', 'vpc_endpoint_id',
  'vpc_peering_connection_id',
];
const sgRules = (...items: GObject[]): AttrBlocks => new AttrBlocks(items, SG_RULE_KEYS);

/** What a helper module does with the AWS SDK, and the exact IAM grant it needs. */
interface SdkUse {
  readonly pkg: string;
  readonly imports: readonly string[];
  readonly body: (name: string) => string;
  /** The same helper in Python (boto3), for `--python`: the same calls, so the same grant. */
  readonly py: (name: string) => string;
  readonly actions: readonly string[];
  readonly resources: (name: string) => readonly string[];
  readonly env: string;
}

const STORES: readonly SdkUse[] = [
  {
    pkg: '@aws-sdk/client-dynamodb',
    imports: ['DynamoDBClient', 'GetItemCommand', 'PutItemCommand'],
    env: 'TABLE_NAME',
    body: (name) => `const TABLE = '${name}-items';
const client = new DynamoDBClient({});

export async function load(id: string) {
  const out = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: id } } }));
  return out.Item;
}

export async function save(id: string, body: string) {
  await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: id }, body: { S: body } } }));
}
`,
    py: (name) => `import boto3

TABLE = "${name}-items"
client = boto3.client("dynamodb")


def load(id):
    return client.get_item(TableName=TABLE, Key={"pk": {"S": id}}).get("Item")


def save(id, body):
    client.put_item(TableName=TABLE, Item={"pk": {"S": id}, "body": {"S": body}})
`,
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    resources: (name) => [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}-items`],
  },
  {
    pkg: '@aws-sdk/client-s3',
    imports: ['S3Client', 'GetObjectCommand', 'PutObjectCommand'],
    env: 'BUCKET',
    body: (name) => `const BUCKET = '${name}-artifacts';
const s3 = new S3Client({});

export async function load(id: string) {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: \`items/\${id}.json\` }));
  return out.Body?.transformToString();
}

export async function save(id: string, body: string) {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: \`items/\${id}.json\`, Body: body }));
}
`,
    py: (name) => `import boto3

BUCKET = "${name}-artifacts"
s3 = boto3.client("s3")


def load(id):
    return s3.get_object(Bucket=BUCKET, Key=f"items/{id}.json")["Body"].read()


def save(id, body):
    s3.put_object(Bucket=BUCKET, Key=f"items/{id}.json", Body=body)
`,
    actions: ['s3:GetObject', 's3:PutObject'],
    resources: (name) => [`arn:aws:s3:::${name}-artifacts/*`],
  },
  {
    pkg: '@aws-sdk/client-dynamodb',
    imports: ['DynamoDBClient', 'QueryCommand', 'UpdateItemCommand'],
    env: 'TABLE_NAME',
    body: (name) => `const TABLE = '${name}-items';
const ddb = new DynamoDBClient({});

export async function load(id: string) {
  const out = await ddb.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: id } } }));
  return out.Items?.[0];
}

export async function save(id: string, body: string) {
  await ddb.send(${DYNAMODB_UPDATE});
}
`,
    py: (name) => `import boto3

table = boto3.resource("dynamodb").Table("${name}-items")


def load(id):
    items = table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": id})["Items"]
    return items[0] if items else None


def save(id, body):
    table.update_item(Key={"pk": id}, UpdateExpression="SET body = :b", ExpressionAttributeValues={":b": body})
`,
    actions: ['dynamodb:Query', 'dynamodb:UpdateItem'],
    resources: (name) => [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}-items`],
  },
];

const NOTIFIERS: readonly SdkUse[] = [
  {
    pkg: '@aws-sdk/client-sqs',
    imports: ['SQSClient', 'SendMessageCommand'],
    env: 'QUEUE_URL',
    body: (name) => `const QUEUE_URL = 'https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}-events';
const sqs = new SQSClient({});

export async function notify(detail: unknown) {
  await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: JSON.stringify(detail) }));
}
`,
    py: (name) => `import json

import boto3

QUEUE_URL = "https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}-events"
sqs = boto3.client("sqs")


def notify(detail):
    sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=json.dumps(detail))
`,
    actions: ['sqs:SendMessage'],
    resources: (name) => [`arn:aws:sqs:${REGION}:${ACCOUNT}:${name}-events`],
  },
  {
    pkg: '@aws-sdk/client-sns',
    imports: ['SNSClient', 'PublishCommand'],
    env: 'TOPIC_ARN',
    body: (name) => `const TOPIC_ARN = 'arn:aws:sns:${REGION}:${ACCOUNT}:${name}-events';
const sns = new SNSClient({});

export async function notify(detail: unknown) {
  await sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: JSON.stringify(detail) }));
}
`,
    py: (name) => `import json

import boto3

TOPIC_ARN = "arn:aws:sns:${REGION}:${ACCOUNT}:${name}-events"
sns = boto3.client("sns")


def notify(detail):
    sns.publish(TopicArn=TOPIC_ARN, Message=json.dumps(detail))
`,
    actions: ['sns:Publish'],
    resources: (name) => [`arn:aws:sns:${REGION}:${ACCOUNT}:${name}-events`],
  },
  {
    pkg: '@aws-sdk/client-eventbridge',
    imports: ['EventBridgeClient', 'PutEventsCommand'],
    env: 'EVENT_BUS',
    body: () => `const BUS = 'ai-platform';
const events = new EventBridgeClient({});

export async function notify(detail: unknown) {
  await events.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: 'ai-platform', DetailType: 'item', Detail: JSON.stringify(detail) }] }));
}
`,
    py: () => `import json

import boto3

events = boto3.client("events")


def notify(detail):
    events.put_events(Entries=[{"EventBusName": "ai-platform", "Source": "ai-platform", "DetailType": "item", "Detail": json.dumps(detail)}])
`,
    actions: ['events:PutEvents'],
    resources: () => [`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/ai-platform`],
  },
  {
    pkg: '@aws-sdk/client-sagemaker-runtime',
    imports: ['SageMakerRuntimeClient', 'InvokeEndpointCommand'],
    env: 'ENDPOINT_NAME',
    body: (name) => `const ENDPOINT = '${name}-scorer';
const runtime = new SageMakerRuntimeClient({});

export async function notify(detail: unknown) {
  const out = await runtime.send(new InvokeEndpointCommand({ EndpointName: ENDPOINT, ContentType: 'application/json', Body: JSON.stringify(detail) }));
  return out.Body;
}
`,
    py: (name) => `import json

import boto3

ENDPOINT = "${name}-scorer"
runtime = boto3.client("sagemaker-runtime")


def notify(detail):
    out = runtime.invoke_endpoint(EndpointName=ENDPOINT, ContentType="application/json", Body=json.dumps(detail))
    return out["Body"].read()
`,
    actions: ['sagemaker:InvokeEndpoint'],
    resources: (name) => [`arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name}-scorer`],
  },
  {
    pkg: '@aws-sdk/client-bedrock-runtime',
    imports: ['BedrockRuntimeClient', 'InvokeModelCommand'],
    env: 'MODEL_ID',
    body: () => `const MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';
const bedrock = new BedrockRuntimeClient({});

export async function notify(detail: unknown) {
  const out = await bedrock.send(new InvokeModelCommand({ modelId: MODEL_ID, contentType: 'application/json', body: JSON.stringify(detail) }));
  return out.body;
}
`,
    py: () => `import json

import boto3

MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
bedrock = boto3.client("bedrock-runtime")


def notify(detail):
    out = bedrock.invoke_model(modelId=MODEL_ID, contentType="application/json", body=json.dumps(detail))
    return out["body"].read()
`,
    actions: ['bedrock:InvokeModel'],
    resources: () => [`arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0`],
  },
];

/** A Python handler doing what the TypeScript one does (the lib folder is a namespace package). */
function pythonHandler(name: string, usesSecret: boolean): string {
  return (
    `import json\n\n${usesSecret ? 'import boto3\n\n' : ''}from lib.store import load, save\nfrom lib.notify import notify\n` +
    (usesSecret ? `\nsecrets = boto3.client("secretsmanager")\n` : '') +
    `\n\ndef handler(event, context):\n    id = (event.get("pathParameters") or {}).get("id", "unknown")\n` +
    (usesSecret
      ? `    key = secrets.get_secret_value(SecretId="${name}/api-key")\n    if not key.get("SecretString"):\n        raise RuntimeError("missing api key")\n`
      : '') +
    `    previous = load(id)\n    save(id, event.get("body") or "")\n    notify({"id": id, "previous": previous is not None})\n` +
      `    return {"statusCode": 200, "body": json.dumps({"id": id})}\n`
  );
}

const importLine = (use: SdkUse): string => `import { ${use.imports.join(', ')} } from '${use.pkg}';\n`;

/** A stable pseudo-hash for cdktf `uniqueId`-like suffixes and names. */
function tag8(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/**
 * The stack's shape. `services`: each function's handler is three files of about 12 lines, its role
 * one policy. `tiny`: the same services, but each handler is a chain of four files of 2 to 12 lines
 * (handler -> lib/run -> lib/store, lib/notify), each role statement is a policy of its own (many small
 * policies), and every function role also reads data on any resource and holds a grant its code
 * never uses: findings by the thousand, as on a real stack before a clean-up.
 */
export type StackShape = 'services' | 'tiny';

/** `python`: the regular functions' handlers are Python (boto3) instead of TypeScript, with the same calls. */
export function buildStack(services: number, seed = 42, options: { readonly python?: boolean; readonly shape?: StackShape } = {}): GeneratedStack {
  const python = options.python === true;
  const tiny = options.shape === 'tiny';
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const resources: GResource[] = [];
  const code: CodeFile[] = [];
  const add = (mode: 'managed' | 'data', type: string, name: string, constructPath: string, file: string, attrs: GObject): string => {
    resources.push({ mode, type, name, constructPath, attrs, file });
    return mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
  };
  const baseTags = (service: string, team: string): GObject => ({ 'cost-center': `cc-${tag8(team).slice(0, 4).toLowerCase()}`, service, team });

  // ---------- shared network ----------
  const net = 'network.tf';
  const vpc = add('managed', 'aws_vpc', 'main', 'network/vpc', net, {
    cidr_block: '10.0.0.0/16',
    enable_dns_hostnames: true,
    enable_dns_support: true,
    tags: { Name: 'ai-platform' },
  });
  const igw = add('managed', 'aws_internet_gateway', 'main', 'network/igw', net, { tags: { Name: 'ai-platform' }, vpc_id: ref(vpc, 'id') });
  const subnets: Record<'public' | 'private' | 'isolated', string[]> = { public: [], private: [], isolated: [] };
  (['public', 'private', 'isolated'] as const).forEach((tier, t) => {
    AZS.forEach((az, i) => {
      subnets[tier].push(
        add('managed', 'aws_subnet', `${tier}_${az}`, `network/${tier}-${az}`, net, {
          availability_zone: `${REGION}${az}`,
          cidr_block: `10.0.${t * 64 + i * 16}.0/20`,
          map_public_ip_on_launch: tier === 'public',
          tags: { Name: `ai-platform-${tier}-${az}`, tier },
          vpc_id: ref(vpc, 'id'),
        }),
      );
    });
  });
  const publicRt = add('managed', 'aws_route_table', 'public', 'network/public-rt', net, {
    route: new AttrBlocks([{ cidr_block: '0.0.0.0/0', gateway_id: ref(igw, 'id') }], ROUTE_KEYS),
    tags: { Name: 'ai-platform-public' },
    vpc_id: ref(vpc, 'id'),
  });
  AZS.forEach((az, i) => {
    add('managed', 'aws_route_table_association', `public_${az}`, `network/public-${az}-rta`, net, {
      route_table_id: ref(publicRt, 'id'),
      subnet_id: ref(subnets.public[i] as string, 'id'),
    });
    const eip = add('managed', 'aws_eip', `nat_${az}`, `network/nat-${az}-eip`, net, { domain: 'vpc', tags: { Name: `ai-platform-nat-${az}` } });
    const nat = add('managed', 'aws_nat_gateway', az, `network/nat-${az}`, net, {
      allocation_id: ref(eip, 'id'),
      subnet_id: ref(subnets.public[i] as string, 'id'),
      tags: { Name: `ai-platform-${az}` },
    });
    const rt = add('managed', 'aws_route_table', `private_${az}`, `network/private-${az}-rt`, net, {
      tags: { Name: `ai-platform-private-${az}` },
      vpc_id: ref(vpc, 'id'),
    });
    add('managed', 'aws_route', `private_${az}_nat`, `network/private-${az}-nat-route`, net, {
      destination_cidr_block: '0.0.0.0/0',
      nat_gateway_id: ref(nat, 'id'),
      route_table_id: ref(rt, 'id'),
    });
    add('managed', 'aws_route_table_association', `private_${az}`, `network/private-${az}-rta`, net, {
      route_table_id: ref(rt, 'id'),
      subnet_id: ref(subnets.private[i] as string, 'id'),
    });
  });
  const isolatedRt = add('managed', 'aws_route_table', 'isolated', 'network/isolated-rt', net, {
    tags: { Name: 'ai-platform-isolated' },
    vpc_id: ref(vpc, 'id'),
  });
  AZS.forEach((az, i) => {
    add('managed', 'aws_route_table_association', `isolated_${az}`, `network/isolated-${az}-rta`, net, {
      route_table_id: ref(isolatedRt, 'id'),
      subnet_id: ref(subnets.isolated[i] as string, 'id'),
    });
  });
  const lambdaSg = add('managed', 'aws_security_group', 'lambda', 'network/lambda-sg', net, {
    description: 'Functions: egress only',
    egress: sgRules({ cidr_blocks: ['0.0.0.0/0'], description: 'HTTPS to AWS APIs', from_port: 443, protocol: 'tcp', to_port: 443 }),
    ingress: sgRules(),
    name: 'ai-platform-lambda',
    vpc_id: ref(vpc, 'id'),
  });
  const privateSubnetRefs = subnets.private.map((s) => ref(s, 'id'));
  const publicSubnetRefs = subnets.public.map((s) => ref(s, 'id'));

  // ---------- shared IAM ----------
  const iamFile = 'iam.tf';
  const assumeDoc = (name: string, service: string): string =>
    add('data', 'aws_iam_policy_document', name, `iam/${name}`, iamFile, {
      statement: list({ actions: ['sts:AssumeRole'], effect: 'Allow', principals: list({ identifiers: [service], type: 'Service' }) }),
    });
  const lambdaAssume = assumeDoc('lambda_assume', 'lambda.amazonaws.com');
  const ecsAssume = assumeDoc('ecs_tasks_assume', 'ecs-tasks.amazonaws.com');
  const managedPolicy = (name: string, description: string, statements: GJson[]): string =>
    add('managed', 'aws_iam_policy', name, `iam/${name.replace(/_/g, '-')}`, iamFile, {
      description,
      name: `ai-platform-${name.replace(/_/g, '-')}`,
      policy: new JsonDoc({ Statement: statements, Version: '2012-10-17' }),
    });
  const telemetry = managedPolicy('telemetry', 'Write logs and traces', [
    { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/*:*`, Sid: 'Logs' },
    // Metrics go out as embedded metric format through the logs above; X-Ray actions have no resource types, so `*` is exact.
    { Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Effect: 'Allow', Resource: '*', Sid: 'Traces' },
  ]);
  const fnBoundary = managedPolicy('function_boundary', 'Permissions boundary for functions', [
    {
      Action: [
        'dynamodb:*',
        's3:*',
        'sqs:*',
        'sns:*',
        'events:PutEvents',
        'sagemaker:InvokeEndpoint',
        'bedrock:InvokeModel',
        'secretsmanager:GetSecretValue',
        'logs:*',
        'xray:*',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:Describe*',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Effect: 'Allow',
      Resource: '*',
      Sid: 'FunctionCeiling',
    },
  ]);
  const svcBoundary = managedPolicy('service_boundary', 'Permissions boundary for microservices', [
    {
      Action: [
        'dynamodb:*',
        's3:*',
        'sqs:*',
        'sns:*',
        'sagemaker:*',
        'bedrock:InvokeModel',
        'secretsmanager:GetSecretValue',
        'logs:*',
        'xray:*',
        'ecr:GetAuthorizationToken',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchCheckLayerAvailability',
      ],
      Effect: 'Allow',
      Resource: '*',
      Sid: 'ServiceCeiling',
    },
    { Action: ['iam:*', 'organizations:*', 'account:*'], Effect: 'Deny', Resource: '*', Sid: 'NoIdentityAdmin' },
  ]);
  const executionRole = add('managed', 'aws_iam_role', 'ecs_task_execution', 'iam/ecs-task-execution', iamFile, {
    assume_role_policy: ref(ecsAssume, 'json'),
    name: 'ai-platform-ecs-task-execution',
    permissions_boundary: ref(svcBoundary, 'arn'),
    tags: { 'hybridguard:service-type': 'shared' },
  });
  add('managed', 'aws_iam_role_policy_attachment', 'ecs_task_execution', 'iam/ecs-task-execution-managed', iamFile, {
    policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    role: ref(executionRole, 'name'),
  });

  // ---------- gateway, cluster ----------
  const apiFile = 'api.tf';
  const api = add('managed', 'aws_apigatewayv2_api', 'main', 'gateway/api', apiFile, {
    name: 'ai-platform',
    protocol_type: 'HTTP',
    tags: { 'hybridguard:service-type': 'gateway' },
  });
  const accessLogs = add('managed', 'aws_cloudwatch_log_group', 'api_access', 'gateway/access-logs', apiFile, {
    name: '/aws/apigateway/ai-platform',
    retention_in_days: 90,
  });
  add('managed', 'aws_apigatewayv2_stage', 'main', 'gateway/stage', apiFile, {
    access_log_settings: single({ destination_arn: ref(accessLogs, 'arn'), format: '$context.requestId $context.routeKey $context.status' }),
    api_id: ref(api, 'id'),
    auto_deploy: true,
    name: '$default',
  });
  const authorizer = add('managed', 'aws_apigatewayv2_authorizer', 'main', 'gateway/authorizer', apiFile, {
    api_id: ref(api, 'id'),
    authorizer_type: 'JWT',
    identity_sources: ['$request.header.Authorization'],
    jwt_configuration: single({ audience: ['ai-platform'], issuer: 'https://auth.example.com/' }),
    name: 'jwt',
  });
  const cluster = add('managed', 'aws_ecs_cluster', 'main', 'services/cluster', apiFile, {
    name: 'ai-platform',
    setting: list({ name: 'containerInsights', value: 'enabled' }),
  });

  // ---------- services ----------
  const functions = Math.ceil(services / 2);
  const microservices = Math.floor(services / 2);
  const teams = ['ingest', 'features', 'inference', 'search', 'labeling', 'eval', 'billing', 'notify'];

  interface FunctionSpec {
    readonly name: string;
    readonly key: string;
    readonly file: string;
    readonly tagged: boolean;
    readonly team: string;
    /** Extra code files beyond handler + helpers, and the IAM statements the role gets. */
    readonly statements: readonly GObject[];
    readonly codeFiles: readonly CodeFile[];
    readonly env: Record<string, string>;
    readonly boundary: boolean;
  }

  const addFunction = (spec: FunctionSpec): void => {
    const { key, name, file } = spec;
    const cp = `functions/${name}`;
    const entry = spec.codeFiles[0]?.path.endsWith('.py') ? 'handler.py' : 'handler.ts';
    const tags: Record<string, string> = { ...(baseTags(name, spec.team) as Record<string, string>), 'hybridguard:source': `functions/${name}/${entry}` };
    if (spec.tagged) tags['hybridguard:service-type'] = 'function';
    const doc = tiny
      ? undefined
      : add('data', 'aws_iam_policy_document', `${key}_policy`, `${cp}/policy-document`, file, { statement: new Blocks(spec.statements, false) });
    const roleAttrs: Record<string, GValue> = {
      assume_role_policy: ref(lambdaAssume, 'json'),
      name: `ai-platform-${name}`,
      tags: spec.tagged ? { 'hybridguard:service-type': 'function', service: name } : { service: name },
    };
    if (spec.boundary) roleAttrs.permissions_boundary = ref(fnBoundary, 'arn');
    const role = add('managed', 'aws_iam_role', `${key}_role`, `${cp}/role`, file, roleAttrs);
    if (doc) {
      add('managed', 'aws_iam_role_policy', `${key}_policy`, `${cp}/role-policy`, file, {
        name: `${name}-access`,
        policy: ref(doc, 'json'),
        role: ref(role, 'id'),
      });
    } else {
      // Many small policies: one inline policy per statement.
      spec.statements.forEach((st, j) => {
        const sid = st.sid as string;
        const statement = { Sid: sid, Effect: 'Allow', Action: st.actions as GJson, Resource: st.resources as GJson };
        add('managed', 'aws_iam_role_policy', `${key}_policy_${j}`, `${cp}/role-policy-${j}`, file, {
          name: `${name}-${sid.toLowerCase()}`,
          policy: new JsonDoc({ Version: '2012-10-17', Statement: [statement] }),
          role: ref(role, 'id'),
        });
      });
    }
    add('managed', 'aws_iam_role_policy_attachment', `${key}_vpc_access`, `${cp}/vpc-access`, file, {
      policy_arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
      role: ref(role, 'name'),
    });
    add('managed', 'aws_iam_role_policy_attachment', `${key}_telemetry`, `${cp}/telemetry`, file, {
      policy_arn: ref(telemetry, 'arn'),
      role: ref(role, 'name'),
    });
    const logs = add('managed', 'aws_cloudwatch_log_group', `${key}_logs`, `${cp}/logs`, file, { name: `/aws/lambda/${name}`, retention_in_days: 30, tags });
    const fn = add('managed', 'aws_lambda_function', key, `${cp}/function`, file, {
      architectures: ['arm64'],
      environment: single({ variables: spec.env }),
      filename: `dist/${name}.zip`,
      function_name: name,
      handler: 'handler.handler',
      logging_config: single({ log_format: 'JSON', log_group: ref(logs, 'name') }),
      memory_size: 256 + 256 * Math.floor(random() * 4),
      role: ref(role, 'arn'),
      runtime: entry === 'handler.py' ? 'python3.12' : 'nodejs20.x',
      tags,
      timeout: 30,
      tracing_config: single({ mode: 'Active' }),
      vpc_config: single({ security_group_ids: [ref(lambdaSg, 'id')], subnet_ids: privateSubnetRefs }),
    });
    const integration = add('managed', 'aws_apigatewayv2_integration', key, `${cp}/integration`, file, {
      api_id: ref(api, 'id'),
      integration_method: 'POST',
      integration_type: 'AWS_PROXY',
      integration_uri: ref(fn, 'invoke_arn'),
      payload_format_version: '2.0',
    });
    add('managed', 'aws_apigatewayv2_route', key, `${cp}/route`, file, {
      api_id: ref(api, 'id'),
      authorization_type: 'JWT',
      authorizer_id: ref(authorizer, 'id'),
      route_key: `POST /${name}`,
      target: new Tpl(['integrations/', ref(integration, 'id')]),
    });
    add('managed', 'aws_lambda_permission', `${key}_api`, `${cp}/api-permission`, file, {
      action: 'lambda:InvokeFunction',
      function_name: ref(fn, 'function_name'),
      principal: 'apigateway.amazonaws.com',
      source_arn: new Tpl([ref(api, 'execution_arn'), `/*/*/${name}`]),
      statement_id: 'AllowApiGateway',
    });
    add('managed', 'aws_cloudwatch_metric_alarm', `${key}_errors`, `${cp}/errors-alarm`, file, {
      alarm_name: `${name}-errors`,
      comparison_operator: 'GreaterThanThreshold',
      dimensions: { FunctionName: ref(fn, 'function_name') },
      evaluation_periods: 1,
      metric_name: 'Errors',
      namespace: 'AWS/Lambda',
      period: 300,
      statistic: 'Sum',
      threshold: 0,
    });
    code.push(...spec.codeFiles);
  };

  const stmt = (sid: string, actions: readonly string[], res: readonly string[]): GObject => ({
    actions: [...actions],
    effect: 'Allow',
    resources: [...res],
    sid,
  });

  for (let i = 1; i <= functions; i++) {
    const name = `fn-${pad(i)}`;
    const key = `fn_${pad(i)}`;
    const team = pick(teams);
    const store = pick(STORES);
    const notifier = pick(NOTIFIERS);
    const usesSecret = i % 4 === 0;
    const handler =
      `import { load, save } from './lib/store.js';\nimport { notify } from './lib/notify.js';\n` +
      (usesSecret
        ? `import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';\n\nconst secrets = new SecretsManagerClient({});\n`
        : '') +
      `\nexport async function handler(event: { body?: string; pathParameters?: { id?: string } }) {\n` +
      `  const id = event.pathParameters?.id ?? 'unknown';\n` +
      (usesSecret
        ? `  const key = await secrets.send(new GetSecretValueCommand({ SecretId: '${name}/api-key' }));\n` +
          `  if (!key.SecretString) throw new Error('missing api key');\n`
        : '') +
      `  const previous = await load(id);\n  await save(id, event.body ?? '');\n  await notify({ id, previous: previous !== undefined });\n` +
        `  return { statusCode: 200, body: JSON.stringify({ id }) };\n}\n`;
    const statements = [stmt('Store', store.actions, store.resources(name)), stmt('Notify', notifier.actions, notifier.resources(name))];
    if (usesSecret)
      statements.push(stmt('Secret', ['secretsmanager:GetSecretValue'], [`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}/api-key-*`]));
    if (tiny) {
      // Findings by the thousand: data read on any resource, and a grant the code never uses.
      statements.push(stmt('ReadAnything', ['s3:GetObject', 'dynamodb:Query'], ['*']));
      statements.push(stmt('Unused', ['sqs:DeleteMessage'], [`arn:aws:sqs:${REGION}:${ACCOUNT}:${name}-dlq`]));
    }
    const tinyCode: CodeFile[] = [
      {
        path: `functions/${name}/handler.ts`,
        text: `import { run } from './lib/run.js';\nexport const handler = (event: { body?: string }) => run(event.body ?? '');\n`,
      },
      {
        path: `functions/${name}/lib/run.ts`,
        text:
          `import { load, save } from './store.js';\nimport { notify } from './notify.js';\n\nexport async function run(body: string) {\n` +
          `  const previous = await load('${name}');\n  await save('${name}', body);\n  await notify({ id: '${name}', previous: previous !== undefined });\n` +
            `}\n`,
      },
      { path: `functions/${name}/lib/store.ts`, text: importLine(store) + store.body(name) },
      { path: `functions/${name}/lib/notify.ts`, text: importLine(notifier) + notifier.body(name) },
    ];
    addFunction({
      name,
      key,
      file: `services-${pad(Math.floor((i - 1) / 5))}.tf`,
      tagged: i % 2 === 0,
      team,
      statements,
      boundary: true,
      env: { [store.env]: store.env === 'BUCKET' ? `${name}-artifacts` : `${name}-items`, [notifier.env]: `${name}-events`, POWERTOOLS_SERVICE_NAME: name },
      codeFiles: python
        ? [
            { path: `functions/${name}/handler.py`, text: pythonHandler(name, usesSecret) },
            { path: `functions/${name}/lib/store.py`, text: store.py(name) },
            { path: `functions/${name}/lib/notify.py`, text: notifier.py(name) },
          ]
        : tiny
          ? tinyCode
          : [
              { path: `functions/${name}/handler.ts`, text: handler },
              { path: `functions/${name}/lib/store.ts`, text: importLine(store) + '\n' + store.body(name) },
              { path: `functions/${name}/lib/notify.ts`, text: importLine(notifier) + '\n' + notifier.body(name) },
            ],
    });
  }

  interface ServiceSpec {
    readonly name: string;
    readonly key: string;
    readonly file: string;
    readonly tagged: boolean;
    readonly team: string;
    readonly policy: GJson;
    readonly boundary: boolean;
    readonly public: boolean;
  }

  const addService = (spec: ServiceSpec): void => {
    const { key, name, file } = spec;
    const cp = `services/${name}`;
    const port = 8080;
    const roleAttrs: Record<string, GValue> = {
      assume_role_policy: ref(ecsAssume, 'json'),
      name: `ai-platform-${name}-task`,
      tags: spec.tagged ? { 'hybridguard:service-type': 'microservice', service: name } : { service: name },
    };
    if (spec.boundary) roleAttrs.permissions_boundary = ref(svcBoundary, 'arn');
    const role = add('managed', 'aws_iam_role', `${key}_task`, `${cp}/task-role`, file, roleAttrs);
    add('managed', 'aws_iam_role_policy', `${key}_task`, `${cp}/task-policy`, file, {
      name: `${name}-access`,
      policy: new JsonDoc(spec.policy),
      role: ref(role, 'id'),
    });
    add('managed', 'aws_iam_role_policy_attachment', `${key}_telemetry`, `${cp}/telemetry`, file, {
      policy_arn: ref(telemetry, 'arn'),
      role: ref(role, 'name'),
    });
    add('managed', 'aws_cloudwatch_log_group', `${key}_logs`, `${cp}/logs`, file, { name: `/aws/ecs/${name}`, retention_in_days: 30 });
    const albSg = add('managed', 'aws_security_group', `${key}_alb`, `${cp}/alb-sg`, file, {
      description: spec.public ? 'Scoring API from anywhere' : 'Internal ALB: VPC only',
      egress: sgRules({ cidr_blocks: ['10.0.0.0/16'], description: 'To tasks', from_port: port, protocol: 'tcp', to_port: port }),
      ingress: sgRules({ cidr_blocks: [spec.public ? '0.0.0.0/0' : '10.0.0.0/16'], description: 'HTTPS', from_port: 443, protocol: 'tcp', to_port: 443 }),
      name: `${name}-alb`,
      vpc_id: ref(vpc, 'id'),
    });
    const taskSg = add('managed', 'aws_security_group', `${key}_task`, `${cp}/task-sg`, file, {
      description: 'Tasks: from their ALB only',
      egress: sgRules({ cidr_blocks: ['0.0.0.0/0'], description: 'HTTPS to AWS APIs', from_port: 443, protocol: 'tcp', to_port: 443 }),
      ingress: sgRules(),
      name: `${name}-task`,
      vpc_id: ref(vpc, 'id'),
    });
    add('managed', 'aws_vpc_security_group_ingress_rule', `${key}_task_from_alb`, `${cp}/task-from-alb`, file, {
      description: 'From the service ALB',
      from_port: port,
      ip_protocol: 'tcp',
      referenced_security_group_id: ref(albSg, 'id'),
      security_group_id: ref(taskSg, 'id'),
      to_port: port,
    });
    const lb = add('managed', 'aws_lb', key, `${cp}/alb`, file, {
      internal: !spec.public,
      load_balancer_type: 'application',
      name: name.slice(0, 32),
      security_groups: [ref(albSg, 'id')],
      subnets: spec.public ? publicSubnetRefs : privateSubnetRefs,
      tags: { service: name },
    });
    const tg = add('managed', 'aws_lb_target_group', key, `${cp}/target-group`, file, {
      health_check: single({ healthy_threshold: 2, interval: 15, matcher: '200', path: '/health', port: 'traffic-port', protocol: 'HTTP' }),
      name: `${name}-tg`.slice(0, 32),
      port,
      protocol: 'HTTP',
      target_type: 'ip',
      vpc_id: ref(vpc, 'id'),
    });
    add('managed', 'aws_lb_listener', key, `${cp}/listener`, file, {
      certificate_arn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${tag8(name).toLowerCase()}-0000-4000-8000-${tag8(`${name}c`).toLowerCase()}0000`,
      default_action: list({ target_group_arn: ref(tg, 'arn'), type: 'forward' }),
      load_balancer_arn: ref(lb, 'arn'),
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    const image = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}:1.${Math.floor(random() * 40)}.0`;
    const task = add('managed', 'aws_ecs_task_definition', key, `${cp}/task-definition`, file, {
      container_definitions: new JsonDoc([
        {
          essential: true,
          image,
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/aws/ecs/${name}`, 'awslogs-region': REGION, 'awslogs-stream-prefix': name } },
          name,
          portMappings: [{ containerPort: port, protocol: 'tcp' }],
        },
      ]),
      cpu: '512',
      execution_role_arn: ref(executionRole, 'arn'),
      family: name,
      memory: '1024',
      network_mode: 'awsvpc',
      requires_compatibilities: ['FARGATE'],
      tags: { ...(baseTags(name, spec.team) as Record<string, string>), ...(spec.tagged ? { 'hybridguard:service-type': 'microservice' } : {}) },
      task_role_arn: ref(role, 'arn'),
    });
    add('managed', 'aws_ecs_service', key, `${cp}/service`, file, {
      cluster: ref(cluster, 'id'),
      desired_count: 2,
      launch_type: 'FARGATE',
      load_balancer: list({ container_name: name, container_port: port, target_group_arn: ref(tg, 'arn') }),
      name,
      network_configuration: single({
        assign_public_ip: spec.public,
        security_groups: [ref(taskSg, 'id')],
        subnets: spec.public ? publicSubnetRefs : privateSubnetRefs,
      }),
      tags: { service: name, ...(spec.tagged ? { 'hybridguard:service-type': 'microservice' } : {}) },
      task_definition: ref(task, 'arn'),
    });
  };

  const servicePolicy = (name: string, registry: boolean): GJson => {
    const statements: GJson[] = [
      { Action: ['s3:GetObject'], Effect: 'Allow', Resource: [`arn:aws:s3:::ai-platform-models/${name}/*`], Sid: 'ModelArtifacts' },
      { Action: ['sagemaker:InvokeEndpoint'], Effect: 'Allow', Resource: [`arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name}-*`], Sid: 'Inference' },
      {
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        Effect: 'Allow',
        Resource: [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}-state`],
        Sid: 'State',
      },
    ];
    // Microservices may hold model-registry rights (the policy allows it); these must NOT be findings.
    if (registry)
      statements.push({
        Action: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage'],
        Effect: 'Allow',
        Resource: [`arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${name}-*`],
        Sid: 'ModelRegistry',
      });
    return { Statement: statements, Version: '2012-10-17' };
  };

  for (let i = 1; i <= microservices; i++) {
    const name = `svc-${pad(i)}`;
    addService({
      name,
      key: `svc_${pad(i)}`,
      file: `services-${pad(Math.floor((functions + i - 1) / 5))}.tf`,
      tagged: i % 2 === 1,
      team: pick(teams),
      policy: servicePolicy(name, i % 10 === 0),
      boundary: true,
      public: false,
    });
  }

  // ---------- planted violations (fixed names, the same at every N) ----------
  const planted: PlantedViolation[] = [];
  const plantedFile = 'legacy.tf';

  // 1. A function role that can write the model registry (and its code does so).
  addFunction({
    name: 'model-publisher',
    key: 'model_publisher',
    file: plantedFile,
    tagged: true,
    team: 'eval',
    boundary: false,
    statements: [
      stmt('Store', STORES[0]!.actions, STORES[0]!.resources('model-publisher')),
      stmt('Notify', NOTIFIERS[0]!.actions, NOTIFIERS[0]!.resources('model-publisher')),
      stmt('Publish', ['sagemaker:CreateModelPackage'], [`arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/*`]),
    ],
    env: { TABLE_NAME: 'model-publisher-items', QUEUE_URL: 'model-publisher-events' },
    codeFiles: [
      {
        path: 'functions/model-publisher/handler.ts',
        text: `import { SageMakerClient, CreateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { load, save } from './lib/store.js';
import { notify } from './lib/notify.js';

const sagemaker = new SageMakerClient({});

export async function handler(event: { id: string; group: string; artifact: string }) {
  const previous = await load(event.id);
  const out = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: event.group,
      InferenceSpecification: {
        Containers: [{ Image: '${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/scorer:latest', ModelDataUrl: event.artifact }],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
      },
    }),
  );
  await save(event.id, out.ModelPackageArn ?? '');
  await notify({ id: event.id, replaced: previous !== undefined });
}
`,
      },
      { path: 'functions/model-publisher/lib/store.ts', text: importLine(STORES[0]!) + '\n' + STORES[0]!.body('model-publisher') },
      { path: 'functions/model-publisher/lib/notify.ts', text: importLine(NOTIFIERS[0]!) + '\n' + NOTIFIERS[0]!.body('model-publisher') },
    ],
  });
  planted.push({
    id: 'function-model-registry-grant',
    description: 'Function role granted sagemaker:CreateModelPackage (and its handler calls it)',
    addresses: ['aws_iam_role.model_publisher_role', 'aws_lambda_function.model_publisher'],
    codeFile: 'functions/model-publisher/handler.ts',
  });

  // 2. A role with *:* (a legacy batch service).
  addService({
    name: 'legacy-batch',
    key: 'legacy_batch',
    file: plantedFile,
    tagged: true,
    team: 'billing',
    boundary: false,
    public: false,
    policy: { Statement: [{ Action: '*', Effect: 'Allow', Resource: '*', Sid: 'Everything' }], Version: '2012-10-17' },
  });
  planted.push({ id: 'admin-role', description: 'Microservice task role granted *:* without a boundary', addresses: ['aws_iam_role.legacy_batch_task'] });

  // 3. An internet-facing ALB in public subnets in front of a microservice with public IPs.
  addService({
    name: 'public-scoring',
    key: 'public_scoring',
    file: plantedFile,
    tagged: true,
    team: 'inference',
    boundary: true,
    public: true,
    policy: servicePolicy('public-scoring', false),
  });
  planted.push({
    id: 'public-microservice',
    description: 'Internet-facing ALB (0.0.0.0/0:443) in public subnets in front of an ECS service with public IPs',
    addresses: ['aws_lb.public_scoring', 'aws_ecs_service.public_scoring'],
  });

  // 4. A function whose code calls the model registry through a helper two imports away; its role does not grant it.
  addFunction({
    name: 'model-sync',
    key: 'model_sync',
    file: plantedFile,
    tagged: false,
    team: 'eval',
    boundary: true,
    statements: [stmt('Store', STORES[1]!.actions, STORES[1]!.resources('model-sync'))],
    env: { BUCKET: 'model-sync-artifacts' },
    codeFiles: [
      {
        path: 'functions/model-sync/handler.ts',
        text: `import { load, save } from './lib/store.js';
import { publishLatest } from './lib/catalog.js';

export async function handler(event: { id: string }) {
  const manifest = await load(event.id);
  const arn = await publishLatest('scoring-models', manifest ?? '');
  await save(event.id, arn);
}
`,
      },
      { path: 'functions/model-sync/lib/store.ts', text: importLine(STORES[1]!) + '\n' + STORES[1]!.body('model-sync') },
      {
        path: 'functions/model-sync/lib/catalog.ts',
        text: `import { registerPackage } from './registry.js';

/** Registers the newest artifact of a model group. */
export async function publishLatest(group: string, manifest: string): Promise<string> {
  const { artifact } = JSON.parse(manifest || '{"artifact":""}') as { artifact: string };
  return registerPackage(group, artifact);
}
`,
      },
      {
        path: 'functions/model-sync/lib/registry.ts',
        text: `import { SageMakerClient, CreateModelPackageCommand } from '@aws-sdk/client-sagemaker';

const client = new SageMakerClient({});

export async function registerPackage(group: string, artifact: string): Promise<string> {
  const out = await client.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      InferenceSpecification: {
        Containers: [{ Image: '${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/scorer:latest', ModelDataUrl: artifact }],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
      },
    }),
  );
  return out.ModelPackageArn ?? '';
}
`,
      },
    ],
  });
  planted.push({
    id: 'function-code-model-registry',
    description: 'Function code calls sagemaker:CreateModelPackage through handler -> lib/catalog -> lib/registry; its role does not grant it',
    addresses: ['aws_lambda_function.model_sync'],
    codeFile: 'functions/model-sync/lib/registry.ts',
  });

  return {
    services,
    seed,
    resources,
    code,
    planted,
    counts: { functions, microservices, resources: resources.length, codeFiles: code.length },
  };
}
