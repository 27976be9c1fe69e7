import type { IamCatalog } from '../../model/catalog.js';
import type { InputFacts } from './parse.js';
import { dict } from '../../model/dict.js';

/**
 * Resource ARNs a call targets, from literal names in its input (`Bucket: 'raw-uploads'`,
 * `TableName`, `QueueUrl`, `TopicArn`, ...). Region and account are `*` where the input does not
 * say them. Undefined means "cannot scope": the action needs `Resource: "*"` or no name is visible.
 */
function scopeArns(action: string, input: InputFacts, catalog: IamCatalog): string[] | undefined {
  const info = catalog.action(action);
  if (!info || info.resourceTypes.length === 0) return undefined;
  const types = new Set(info.resourceTypes.map((r) => r.name.toLowerCase()));
  const p = input.props;
  const service = info.service.toLowerCase();
  const arnOf = (value: string | undefined, arnService: string): string | undefined =>
    value !== undefined && value.startsWith('arn:') && value.split(':')[2] === arnService ? value : undefined;

  switch (service) {
    case 's3': {
      const bucket = p.Bucket;
      if (bucket === undefined || bucket.startsWith('arn:') || bucket.includes('/')) return undefined;
      if (types.has('object')) return [`arn:aws:s3:::${bucket}/${p.Key ?? '*'}`];
      if (types.has('bucket')) return [`arn:aws:s3:::${bucket}`];
      return undefined;
    }
    case 'dynamodb': {
      const tables = p.TableName !== undefined ? [p.TableName] : input.requestItemTables;
      if (tables.length === 0 || !types.has('table')) return undefined;
      return tables.map((table) => {
        const tableArn = arnOf(table, 'dynamodb') ?? `arn:aws:dynamodb:*:*:table/${table}`;
        return p.IndexName !== undefined && types.has('index') ? `${tableArn}/index/${p.IndexName}` : tableArn;
      });
    }
    case 'sqs': {
      if (!types.has('queue')) return undefined;
      const url = p.QueueUrl;
      const match =
        url === undefined ? null : /^https?:\/\/(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|queue\.amazonaws\.com)\/(\d{12})\/([A-Za-z0-9_.-]+)$/.exec(url);
      if (match) return [`arn:aws:sqs:${match[1] ?? 'us-east-1'}:${match[2]}:${match[3]}`];
      if (p.QueueName !== undefined) return [`arn:aws:sqs:*:*:${p.QueueName}`];
      return undefined;
    }
    case 'sns': {
      const arn = arnOf(p.TopicArn, 'sns') ?? arnOf(p.TargetArn, 'sns');
      return arn && types.has('topic') ? [arn] : undefined;
    }
    case 'lambda': {
      const name = p.FunctionName;
      if (name === undefined || !types.has('function')) return undefined;
      return [arnOf(name, 'lambda') ?? `arn:aws:lambda:*:*:function:${name}`];
    }
    case 'sagemaker': {
      const named: readonly [string, string][] = [
        ['EndpointName', 'endpoint'],
        ['ModelPackageGroupName', 'model-package-group'],
        ['TrainingJobName', 'training-job'],
        ['ProcessingJobName', 'processing-job'],
        ['ModelName', 'model'],
      ];
      for (const [key, type] of named) {
        const value = p[key];
        if (value === undefined || !types.has(type)) continue;
        // SageMaker ARNs carry resource names in lower case.
        return [arnOf(value, 'sagemaker') ?? `arn:aws:sagemaker:*:*:${type}/${value.toLowerCase()}`];
      }
      return genericArn(p, service);
    }
    case 'secretsmanager': {
      const id = p.SecretId;
      if (id === undefined || !types.has('secret')) return undefined;
      // A secret's ARN ends in `-` and six random characters.
      return [arnOf(id, 'secretsmanager') ?? `arn:aws:secretsmanager:*:*:secret:${id}-??????`];
    }
    case 'ssm': {
      const name = p.Name;
      if (name === undefined || !types.has('parameter')) return undefined;
      return [arnOf(name, 'ssm') ?? `arn:aws:ssm:*:*:parameter${name.startsWith('/') ? '' : '/'}${name}`];
    }
    case 'bedrock': {
      const id = p.modelId;
      if (id === undefined) return undefined;
      const arn = arnOf(id, 'bedrock');
      if (arn) return [arn];
      // Cross-region inference profile ids start with a geography (`us.`, `eu.`, `global.`).
      if (/^(us|eu|apac|us-gov|global|ca|jp|au)\./.test(id) && types.has('inference-profile')) return [`arn:aws:bedrock:*:*:inference-profile/${id}`];
      return types.has('foundation-model') ? [`arn:aws:bedrock:*::foundation-model/${id}`] : undefined;
    }
    case 'kms': {
      const key = arnOf(p.KeyId, 'kms') ?? arnOf(p.DestinationKeyId, 'kms');
      return key && key.includes(':key/') && types.has('key') ? [key] : undefined;
    }
    case 'logs': {
      const group = p.logGroupName;
      if (group === undefined || !types.has('log-group')) return undefined;
      return [`arn:aws:logs:*:*:log-group:${group}:*`];
    }
    default:
      return genericArn(p, service);
  }
}

/** Any `...Arn` property holding an ARN of the action's own service. */
function genericArn(props: Readonly<Record<string, string>>, service: string): string[] | undefined {
  const found = Object.entries(props)
    .filter(([key, value]) => key.endsWith('Arn') && value.startsWith('arn:') && value.split(':')[2] === service)
    .map(([, value]) => value);
  return found.length > 0 ? found : undefined;
}

/** The ARNs a call's literal inputs name, per action and together (none when nothing is scoped). */
export function scopeCall(
  actions: readonly string[],
  input: InputFacts,
  catalog: IamCatalog,
): { resourceArns: string[]; scopes: Record<string, readonly string[]> } | undefined {
  const scopes: Record<string, readonly string[]> = dict();
  const arns = new Set<string>();
  for (const action of actions) {
    const scoped = scopeArns(action, input, catalog);
    if (!scoped) continue;
    scopes[action] = scoped;
    for (const arn of scoped) arns.add(arn);
  }
  return arns.size > 0 ? { resourceArns: [...arns].sort(), scopes } : undefined;
}
