export * from './known-licence.entity';
export * from './known-licence.repository';
export * from './known-licence.tables';
export * from './licence-changed.consumer';
