export * from './registry.app';
export * from './registry.definition';
export * from './registry.module';
// the licence clock and the term job, for tests that drive a licence's year across services
export { LicencesClock } from './licences/licences.clock';
export { LicenceTermService } from './licences/licence-term.service';
