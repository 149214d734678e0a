export * from './event-bus';
export * from './in-process-event-bus';
export * from './kafka-event-bus';
export { DEFAULT_RETRY_POLICY, RETRIES_EXHAUSTED, backoffMs, resolveRetryPolicy } from './message-delivery';
export * from './messaging.metrics';
export * from './platform-logger';
export * from './kafka-topics.util';
