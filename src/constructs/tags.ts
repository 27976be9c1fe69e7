/** Tags the linter reads (see architecture.md: a resource's type comes first from this tag). */
export const SERVICE_TYPE_TAG = 'hybridguard:service-type';
/** Handler source of a Lambda function, relative to the project root. */
export const SOURCE_TAG = 'hybridguard:source';
/** The service a resource belongs to (roles, log groups, security groups). */
export const SERVICE_TAG = 'hybridguard:service';
