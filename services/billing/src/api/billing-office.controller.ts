import { Controller, Get, Inject, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal, Roles } from '@renkei/platform';
import { BILLING_LEDGER, type BillingLedgerPort } from '../ledger/billing.ports';
import { BillingExceptionFilter } from './billing-exception.filter';

export type OfficeStatement = Awaited<ReturnType<BillingLedgerPort['officeStatement']>> & {
  readonly officeNumber: string;
};

/** The office's own statement: its fees, deductions and invoices (docs/billing.md "APIs"). */
@Controller('v1/billing')
@UseFilters(BillingExceptionFilter)
export class BillingOfficeController {
  constructor(@Inject(BILLING_LEDGER) private readonly ledger: BillingLedgerPort) {}

  @Get('me')
  @Roles('office')
  async me(@Principal() principal: AuthPrincipal): Promise<OfficeStatement> {
    const statement = await this.ledger.officeStatement(principal.officeNumber);
    return { officeNumber: principal.officeNumber, ...statement };
  }
}
