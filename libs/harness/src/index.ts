// Test and bench harness that runs the whole platform (standalone or cluster). Separate from @renkei/testing,
// which the platform's own tests use: this one depends on the platform.
export * from './platform-under-test';
export * from './service-test-bed';
export * from './plan-units';
export * from './offices';
export * from './agent-cli';
