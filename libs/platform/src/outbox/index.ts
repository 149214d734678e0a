export * from './event-headers';
export * from './inbox';
export * from './outbox';
export * from './outbox-relay';
export * from './outbox.tables';
