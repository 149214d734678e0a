// @renkei/platform/testing: fixtures of the platform's own tests that benches reuse (test topics on the real
// broker, the probe service). Lint keeps this entry point out of production code.
export * from './messaging/fixtures/kafka-topics';
export * from './outbox/fixtures/probe';
export * from './trust/fixtures/trust-events.fixture';
