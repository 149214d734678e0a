export * from './revoked-certificate-view.entity';
export * from './trust-anchor-view.entity';
export * from './trust-events.util';
export * from './trust-read-model';
export * from './trust-read-model.provider';
export * from './trust-view-state.entity';
export * from './trust-view.repository';
export * from './trust-view.tables';
