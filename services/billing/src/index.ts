export * from './billing.app';
export * from './billing.definition';
export * from './billing.module';
// the ledger's clock, for tests that drive a licence's year across services
export { BillingClock } from './ledger/billing.clock';
