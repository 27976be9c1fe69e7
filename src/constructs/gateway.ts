import { Construct } from 'constructs';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api/index.js';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration/index.js';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route/index.js';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage/index.js';
import { Apigatewayv2VpcLink } from '@cdktf/provider-aws/lib/apigatewayv2-vpc-link/index.js';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js';
import type { HybridFunction } from './function.js';
import type { HybridMicroservice } from './microservice.js';
import type { HybridNetwork } from './network.js';
import { SERVICE_TYPE_TAG } from './tags.js';

export type RouteAuthorization = 'AWS_IAM' | 'NONE';

export interface GatewayRoute {
  /** `POST /ingest`, `ANY /predict/{proxy+}` */
  readonly routeKey: string;
  readonly target: HybridFunction | HybridMicroservice;
  /** Default `AWS_IAM`: callers sign requests. `NONE` only for deliberately anonymous routes. */
  readonly authorization?: RouteAuthorization;
}

export interface HybridGatewayProps {
  readonly name: string;
  readonly network: HybridNetwork;
  readonly routes: readonly GatewayRoute[];
  /** Steady-state requests per second and burst for every route. */
  readonly throttle?: { readonly rate: number; readonly burst: number };
  readonly tags?: Readonly<Record<string, string>>;
}

const isMicroservice = (t: HybridFunction | HybridMicroservice): t is HybridMicroservice => 'loadBalancer' in t;

/** `POST /a/{id}` -> `POST/a/*`: the execute-api ARN suffix of a route (path parameters become `*`). */
export function routeArnSuffix(routeKey: string): string {
  if (routeKey === '$default') return '*/*';
  const [method = '*', path = '/'] = routeKey.split(' ');
  const arnMethod = method === 'ANY' ? '*' : method;
  const arnPath = path.replace(/\{[^}]+\}/g, '*');
  return `${arnMethod}${arnPath}`;
}

/**
 * The one public entry point: an HTTP API whose routes reach functions through Lambda
 * integrations (each allowed only for its own route ARN) and microservices through a VPC link
 * to their internal load balancers.
 */
export class HybridGateway extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly vpcLink?: Apigatewayv2VpcLink;
  readonly routes: readonly Apigatewayv2Route[];

  constructor(scope: Construct, id: string, props: HybridGatewayProps) {
    super(scope, id);
    const tags = { ...props.tags, [SERVICE_TYPE_TAG]: 'gateway' };
    this.api = new Apigatewayv2Api(this, 'api', { name: props.name, protocolType: 'HTTP', tags });
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: { throttlingRateLimit: props.throttle?.rate ?? 100, throttlingBurstLimit: props.throttle?.burst ?? 200 },
      tags,
    });

    const services = [...new Set(props.routes.map((r) => r.target).filter(isMicroservice))];
    let linkSg: SecurityGroup | undefined;
    if (services.length > 0) {
      linkSg = new SecurityGroup(this, 'vpc-link-sg', {
        name: `${props.name}-vpc-link`,
        description: 'API Gateway VPC link: outbound only to the internal load balancers it fronts',
        vpcId: props.network.vpc.id,
        tags: { ...tags, Name: `${props.name}-vpc-link` },
      });
      this.vpcLink = new Apigatewayv2VpcLink(this, 'vpc-link', {
        name: props.name,
        subnetIds: props.network.subnetIds('private'),
        securityGroupIds: [linkSg.id],
        tags,
      });
      for (const svc of services) {
        new VpcSecurityGroupEgressRule(this, `to-${svc.service}`, {
          securityGroupId: linkSg.id,
          referencedSecurityGroupId: svc.loadBalancerSecurityGroup.id,
          ipProtocol: 'tcp',
          fromPort: svc.listenerPort,
          toPort: svc.listenerPort,
          description: `to ${svc.service}`,
        });
        svc.allowFrom(linkSg, `${props.name}-vpc-link`);
      }
    }

    const integrations = new Map<HybridFunction | HybridMicroservice, Apigatewayv2Integration>();
    const integrationFor = (target: HybridFunction | HybridMicroservice): Apigatewayv2Integration => {
      let integration = integrations.get(target);
      if (integration) return integration;
      if (isMicroservice(target)) {
        integration = new Apigatewayv2Integration(this, `${target.service}-integration`, {
          apiId: this.api.id,
          integrationType: 'HTTP_PROXY',
          integrationMethod: 'ANY',
          connectionType: 'VPC_LINK',
          connectionId: (this.vpcLink as Apigatewayv2VpcLink).id,
          integrationUri: target.listener.arn,
          payloadFormatVersion: '1.0',
        });
      } else {
        integration = new Apigatewayv2Integration(this, `${target.service}-integration`, {
          apiId: this.api.id,
          integrationType: 'AWS_PROXY',
          integrationUri: target.function.invokeArn,
          payloadFormatVersion: '2.0',
        });
      }
      integrations.set(target, integration);
      return integration;
    };

    const slug = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'default';
    this.routes = props.routes.map((route) => {
      const integration = integrationFor(route.target);
      const id = slug(route.routeKey);
      const created = new Apigatewayv2Route(this, `route-${id}`, {
        apiId: this.api.id,
        routeKey: route.routeKey,
        target: `integrations/${integration.id}`,
        authorizationType: route.authorization ?? 'AWS_IAM',
      });
      if (!isMicroservice(route.target)) {
        // The function may be invoked by this API for this route only, not by any API in the account.
        new LambdaPermission(this, `invoke-${id}`, {
          statementId: `apigw-${id}`,
          action: 'lambda:InvokeFunction',
          functionName: route.target.function.functionName,
          principal: 'apigateway.amazonaws.com',
          sourceArn: `${this.api.executionArn}/*/${routeArnSuffix(route.routeKey)}`,
        });
      }
      return created;
    });
  }
}
