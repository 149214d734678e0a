import { Module } from '@nestjs/common';
import { BillingLedgerModule } from '../ledger/billing-ledger.module';
import { BillingOfficeController } from './billing-office.controller';
import { BillingOperatorController } from './billing-operator.controller';
import { ResultsJsonParser } from './dto/results-json.parser';
import { KokuhoCyclesController } from './kokuho-cycles.controller';

/**
 * Billing over HTTP (docs/billing.md "APIs"): the 国保連 API (/v1/kokuho), the operator API and the office's
 * statement (/v1/billing), each serving its OpenAPI 3.1 document. Parses and authorises; the ledger decides.
 */
@Module({
  imports: [BillingLedgerModule],
  controllers: [KokuhoCyclesController, BillingOperatorController, BillingOfficeController],
  providers: [ResultsJsonParser],
})
export class BillingApiModule {}
