import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { ServiceType } from '../model/types.js';
import { boundaryDocument, deniedCapabilities, type PolicyPack } from './boundary.js';
import type { Statement } from './grants.js';
import { SERVICE_TAG, SERVICE_TYPE_TAG } from './tags.js';

/** The principal each service type's roles are trusted by. */
export const TRUSTED_PRINCIPAL: Readonly<Record<Exclude<ServiceType, 'gateway'>, string>> = {
  function: 'lambda.amazonaws.com',
  orchestrator: 'lambda.amazonaws.com',
  pipeline: 'lambda.amazonaws.com',
  microservice: 'ecs-tasks.amazonaws.com',
  shared: 'lambda.amazonaws.com',
};

export interface PermissionBoundariesProps {
  readonly name: string;
  readonly pack: PolicyPack;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * One managed policy per service type, generated from the policy pack, created on first use so
 * the stack holds only the boundaries its roles need.
 */
export class PermissionBoundaries extends Construct {
  private readonly byType = new Map<ServiceType, IamPolicy>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PermissionBoundariesProps,
  ) {
    super(scope, id);
  }

  /** The boundary policy of `type` (created on first call). */
  forType(type: ServiceType): IamPolicy {
    let policy = this.byType.get(type);
    if (!policy) {
      const denied = deniedCapabilities(type, this.props.pack).map((d) => d.capability.name);
      policy = new IamPolicy(this, type, {
        name: `${this.props.name}-${type}-boundary`,
        description: denied.length
          ? `hybridguard boundary for ${type} services: denies ${denied.join(', ')}`
          : `hybridguard boundary for ${type} services: no capability denied by the policy pack`,
        policy: JSON.stringify(boundaryDocument(type, this.props.pack)),
        tags: { ...this.props.tags, [SERVICE_TYPE_TAG]: type, 'hybridguard:boundary': 'true' },
      });
      this.byType.set(type, policy);
    }
    return policy;
  }

  arnFor(type: ServiceType): string {
    return this.forType(type).arn;
  }
}

export interface ServiceRoleProps {
  /** Role name (unique in the account). */
  readonly roleName: string;
  readonly service: string;
  readonly serviceType: Exclude<ServiceType, 'gateway'>;
  readonly boundaryArn: string;
  /** Principal the role trusts; default: the service type's (`TRUSTED_PRINCIPAL`). */
  readonly trustedService?: string;
  /** Statements of the role's one inline policy (none: no policy). */
  readonly statements: readonly Statement[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** A role for one service: trusted by one service principal, capped by its type's boundary. */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (props.roleName.length > 64) throw new Error(`role name "${props.roleName}" is longer than IAM's 64 characters`);
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: props.trustedService ?? TRUSTED_PRINCIPAL[props.serviceType] }, Action: 'sts:AssumeRole' },
        ],
      }),
      permissionsBoundary: props.boundaryArn,
      tags: { ...props.tags, [SERVICE_TYPE_TAG]: props.serviceType, [SERVICE_TAG]: props.service },
    });
    if (props.statements.length > 0) {
      this.policy = new IamRolePolicy(this, 'policy', {
        name: `${props.service}-least-privilege`,
        role: this.role.id,
        policy: JSON.stringify({ Version: '2012-10-17', Statement: props.statements }),
      });
    }
  }

  get arn(): string {
    return this.role.arn;
  }
  get name(): string {
    return this.role.name;
  }
}
