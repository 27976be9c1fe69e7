/** hybridguard's cdktf constructs: the only part of hybridguard that imports cdktf. */
export * from './grants.js';
export * from './boundary.js';
export * from './network.js';
export * from './roles.js';
export * from './function.js';
export * from './microservice.js';
export * from './gateway.js';
export * from './suppressions.js';
export * from './platform.js';
export * from './tags.js';
export { checkSynthesized, loadPolicyPack, type LinterOptions, type SynthCheck, type SynthCheckOptions } from './linter.js';
