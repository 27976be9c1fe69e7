import { runSimulation } from '@cloud-copilot/iam-simulate';
import { it } from 'vitest';
const sim = async (stmts: object[], action: string, resource: string, ctx: Record<string, string> = {}, principal = 'arn:aws:iam::123456789012:role/r') => {
  const r = await runSimulation({ request: { principal, action, resource: { resource, accountId: '123456789012' }, contextVariables: ctx }, identityPolicies: [{ name: 'p', policy: { Version: '2012-10-17', Statement: stmts } }], serviceControlPolicies: [], resourceControlPolicies: [] }, {});
  return r.resultType === 'single' ? r.overallResult : JSON.stringify(r).slice(0, 300);
};
it('probe', async () => {
  const A = { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::home/${aws:username}/*' };
  const D = { Effect: 'Deny', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::home/${aws:username}/*' };
  console.log('allow notres var role', await sim([A], 's3:GetObject', 'arn:aws:s3:::x/x'));
  console.log('deny notres var role', await sim([{ Effect: 'Allow', Action: '*', Resource: '*' }, D], 's3:GetObject', 'arn:aws:s3:::x/x'));
  console.log('allow notres var user', await sim([A], 's3:GetObject', 'arn:aws:s3:::x/x', { 'aws:username': 'u' }, 'arn:aws:iam::123456789012:user/u'));
  console.log('null region true, empty ctx', await sim([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Null: { 'aws:RequestedRegion': 'true' } } }], 's3:GetObject', 'arn:aws:s3:::x/x'));
  console.log('null passed true', await sim([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Null: { 'iam:PassedToService': 'true' } } }], 's3:GetObject', 'arn:aws:s3:::x/x'));
  console.log('ec2 image', await sim([{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { Null: { 'ec2:InstanceType': 'false' } } }], 'ec2:RunInstances', 'arn:aws:ec2:us-east-1::image/x', { 'ec2:instancetype': 'hg' }));
  console.log('ec2 instance', await sim([{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { Null: { 'ec2:InstanceType': 'false' } } }], 'ec2:RunInstances', 'arn:aws:ec2:us-east-1:123456789012:instance/x', { 'ec2:instancetype': 'hg' }));
  console.log('Null aws:PrincipalTag false ctx none', await sim([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Null: { 'aws:PrincipalTag/team': 'false' } } }], 's3:GetObject', 'arn:aws:s3:::x/x', { 'aws:PrincipalTag/team': 'ml' }));
});
