/** The vocabulary and the stack every hostile-input test starts from. */

/** Names that reach into a JavaScript object's prototype, plus names our own results use. */
export const HOSTILE_WORDS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'length',
  'suppression',
  'undecided',
  'baseline',
] as const;

/** Own property names of the prototypes a polluted write would land on. */
export function prototypeSnapshot(): Record<string, string[]> {
  return {
    object: Object.getOwnPropertyNames(Object.prototype).sort(),
    array: Object.getOwnPropertyNames(Array.prototype).sort(),
    function: Object.getOwnPropertyNames(Function.prototype).sort(),
    string: Object.getOwnPropertyNames(String.prototype).sort(),
  };
}

const trust = (service: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

/** A Lambda function whose role is allowed every action: HG-IAM-004 must fail on it, whatever else the file holds. */
export function adminFunctionStack(): { resource: Record<string, unknown>; data?: Record<string, unknown> } {
  return {
    resource: {
      aws_iam_role: { fn: { name: 'fn', assume_role_policy: trust('lambda.amazonaws.com') } },
      aws_iam_role_policy: {
        admin: {
          role: '${aws_iam_role.fn.id}',
          policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
        },
      },
      aws_lambda_function: {
        fn: { function_name: 'fn', role: '${aws_iam_role.fn.arn}', runtime: 'nodejs20.x', handler: 'index.handler', filename: 'fn.zip' },
      },
    },
  };
}
