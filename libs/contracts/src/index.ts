// Contracts shared by every service: the topic registry and the generated event types. No Nest, no TypeORM,
// no Kafka client here (enforced by lint).
export * from './topics';
export * from './event-schemas';
export * from './licence-liveness';
export * from './gen/renkei/common/v1/event_meta_pb';
export * from './gen/renkei/platform/v1/probe_pb';
export * from './gen/renkei/exchange/v1/envelope_pb';
export * from './gen/renkei/intake/v1/envelope_accepted_pb';
export * from './gen/renkei/storage/v1/envelope_events_pb';
export * from './gen/renkei/registry/v1/office_changed_pb';
export * from './gen/renkei/registry/v1/licence_changed_pb';
export * from './gen/renkei/certificate/v1/trust_events_pb';
export * from './gen/renkei/delivery/v1/receipt_recorded_pb';
