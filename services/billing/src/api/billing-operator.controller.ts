import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal, Public, Roles } from '@renkei/platform';
import type { Response } from 'express';
import { BillingErrorCode } from '../ledger/billing.errors';
import {
  BILLING_LEDGER,
  type AuditView,
  type BillingLedgerPort,
  type CampaignView,
  type CycleView,
  type DeductionView,
  type FeeScheduleEntryView,
  type FeeView,
  type InvoiceView,
  type Page,
  type PrefectureSummary,
  type ReconciliationReport,
} from '../ledger/billing.ports';
import { BillingExceptionFilter } from './billing-exception.filter';
import { idOf, operatorActorOf } from './billing-principal.util';
import { sendDeductionsCsv } from './deductions-csv.writer';
import {
  FEE_STATES,
  INVOICE_STATES,
  parseAuditQuery,
  parseCampaignInput,
  parseCycleQuery,
  parseFeeScheduleInput,
  parseGenerateCycles,
  parseOfficeFilterQuery,
  parsePageQuery,
  parseReason,
  parseSummaryQuery,
} from './dto/billing-requests.dto';
import { BILLING_OPENAPI } from './openapi/billing.openapi';
import type { OpenApi31Document } from '@renkei/platform';

const cycleIdOf = (cycleId: string): string => idOf(cycleId, BillingErrorCode.CYCLE_NOT_FOUND);

/** The operator API (docs/billing.md "APIs"): every prefecture; every change carries a reason. */
@Controller('v1/billing')
@UseFilters(BillingExceptionFilter)
@Roles('operator')
export class BillingOperatorController {
  constructor(@Inject(BILLING_LEDGER) private readonly ledger: BillingLedgerPort) {}

  @Public()
  @Get('openapi.json')
  openApi(): OpenApi31Document {
    return BILLING_OPENAPI;
  }

  @Get('fee-schedule')
  feeSchedule(): Promise<FeeScheduleEntryView[]> {
    return this.ledger.listFeeSchedule();
  }

  @Post('fee-schedule')
  addFeeScheduleEntry(
    @Principal() principal: AuthPrincipal,
    @Body() body: unknown,
  ): Promise<FeeScheduleEntryView> {
    return this.ledger.addFeeScheduleEntry(operatorActorOf(principal), parseFeeScheduleInput(body));
  }

  @Post('fee-schedule/:entryId/withdraw')
  @HttpCode(200)
  withdrawFeeScheduleEntry(
    @Principal() principal: AuthPrincipal,
    @Param('entryId') entryId: string,
    @Body() body: unknown,
  ): Promise<FeeScheduleEntryView> {
    const id = idOf(entryId, BillingErrorCode.FEE_SCHEDULE_NOT_FOUND);
    return this.ledger.withdrawFeeScheduleEntry(operatorActorOf(principal), id, parseReason(body));
  }

  @Get('campaigns')
  campaigns(): Promise<CampaignView[]> {
    return this.ledger.listCampaigns();
  }

  @Post('campaigns')
  addCampaign(@Principal() principal: AuthPrincipal, @Body() body: unknown): Promise<CampaignView> {
    return this.ledger.addCampaign(operatorActorOf(principal), parseCampaignInput(body));
  }

  @Post('campaigns/:campaignId/withdraw')
  @HttpCode(200)
  withdrawCampaign(
    @Principal() principal: AuthPrincipal,
    @Param('campaignId') campaignId: string,
    @Body() body: unknown,
  ): Promise<CampaignView> {
    const id = idOf(campaignId, BillingErrorCode.CAMPAIGN_NOT_FOUND);
    return this.ledger.withdrawCampaign(operatorActorOf(principal), id, parseReason(body));
  }

  @Get('fees')
  fees(@Query() query: unknown): Promise<Page<FeeView>> {
    const { prefecture, filter, page } = parseOfficeFilterQuery(query, FEE_STATES);
    return this.ledger.listFees(prefecture, filter, page);
  }

  @Post('fees/:feeId/waive')
  @HttpCode(200)
  waiveFee(
    @Principal() principal: AuthPrincipal,
    @Param('feeId') feeId: string,
    @Body() body: unknown,
  ): Promise<FeeView> {
    const id = idOf(feeId, BillingErrorCode.FEE_NOT_FOUND);
    return this.ledger.waiveFee(operatorActorOf(principal), id, parseReason(body));
  }

  @Get('cycles')
  cycles(@Query() query: unknown): Promise<Page<CycleView>> {
    const { prefecture, filter, page } = parseCycleQuery(query, { prefecture: true });
    return this.ledger.listCycles(prefecture, filter, page);
  }

  /** the month's cycle of every prefecture, generated when missing (idempotent) */
  @Post('cycles')
  @HttpCode(200)
  generateCycles(@Principal() principal: AuthPrincipal, @Body() body: unknown): Promise<CycleView[]> {
    return this.ledger.generateCycles(operatorActorOf(principal), parseGenerateCycles(body).month);
  }

  @Get('cycles/:cycleId')
  cycle(@Param('cycleId') cycleId: string): Promise<CycleView> {
    return this.ledger.getCycle(undefined, cycleIdOf(cycleId));
  }

  @Get('cycles/:cycleId/deductions')
  deductions(@Param('cycleId') cycleId: string, @Query() query: unknown): Promise<Page<DeductionView>> {
    const id = cycleIdOf(cycleId);
    return this.ledger.listDeductions(undefined, id, parsePageQuery(query));
  }

  @Get('cycles/:cycleId/deductions.csv')
  deductionsCsv(@Param('cycleId') cycleId: string, @Res() response: Response): Promise<void> {
    return sendDeductionsCsv(this.ledger, undefined, cycleIdOf(cycleId), response);
  }

  @Get('cycles/:cycleId/reconciliation')
  reconciliation(@Param('cycleId') cycleId: string): Promise<ReconciliationReport> {
    return this.ledger.reconcile(undefined, cycleIdOf(cycleId));
  }

  @Get('invoices')
  invoices(@Query() query: unknown): Promise<Page<InvoiceView>> {
    const { prefecture, filter, page } = parseOfficeFilterQuery(query, INVOICE_STATES);
    return this.ledger.listInvoices(prefecture, filter, page);
  }

  @Post('invoices/:invoiceId/paid')
  @HttpCode(200)
  markInvoicePaid(
    @Principal() principal: AuthPrincipal,
    @Param('invoiceId') invoiceId: string,
    @Body() body: unknown,
  ): Promise<InvoiceView> {
    const id = idOf(invoiceId, BillingErrorCode.INVOICE_NOT_FOUND);
    return this.ledger.markInvoicePaid(operatorActorOf(principal), id, parseReason(body));
  }

  /** per prefecture: licences billed, fees by state, the cycle and its totals */
  @Get('summary')
  summary(@Query() query: unknown): Promise<PrefectureSummary[]> {
    return this.ledger.summary(parseSummaryQuery(query).month);
  }

  @Get('audit')
  audit(@Query() query: unknown): Promise<Page<AuditView>> {
    const { filter, page } = parseAuditQuery(query);
    return this.ledger.audit(filter, page);
  }
}
