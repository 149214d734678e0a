import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal, Public, Roles } from '@renkei/platform';
import type { Request, Response } from 'express';
import { BillingErrorCode } from '../ledger/billing.errors';
import {
  BILLING_LEDGER,
  type BillingLedgerPort,
  type CycleView,
  type DeductionView,
  type Page,
  type ReconciliationReport,
  type ResultsApplied,
} from '../ledger/billing.ports';
import { BillingExceptionFilter } from './billing-exception.filter';
import { idOf, kokuhoActorOf, kokuhoScopeOf } from './billing-principal.util';
import { sendDeductionsCsv } from './deductions-csv.writer';
import { parseCycleQuery, parsePageQuery } from './dto/billing-requests.dto';
import { readResults } from './dto/results-body.util';
import { KOKUHO_OPENAPI } from './openapi/kokuho.openapi';
import type { OpenApi31Document } from '@renkei/platform';

const cycleIdOf = (cycleId: string): string => idOf(cycleId, BillingErrorCode.CYCLE_NOT_FOUND);

/**
 * The 国保連 API (docs/billing.md "APIs"): a 国保連 sees only its own prefecture's cycles; anything else is
 * 404, never 403, so ids cannot be probed.
 */
@Controller('v1/kokuho')
@UseFilters(BillingExceptionFilter)
@Roles('kokuhoren')
export class KokuhoCyclesController {
  constructor(@Inject(BILLING_LEDGER) private readonly ledger: BillingLedgerPort) {}

  @Public()
  @Get('openapi.json')
  openApi(): OpenApi31Document {
    return KOKUHO_OPENAPI;
  }

  @Get('cycles')
  list(@Principal() principal: AuthPrincipal, @Query() query: unknown): Promise<Page<CycleView>> {
    const scope = kokuhoScopeOf(principal);
    const { filter, page } = parseCycleQuery(query, { prefecture: false });
    return this.ledger.listCycles(scope, filter, page);
  }

  @Get('cycles/:cycleId')
  get(@Principal() principal: AuthPrincipal, @Param('cycleId') cycleId: string): Promise<CycleView> {
    return this.ledger.getCycle(kokuhoScopeOf(principal), cycleIdOf(cycleId));
  }

  @Get('cycles/:cycleId/deductions')
  deductions(
    @Principal() principal: AuthPrincipal,
    @Param('cycleId') cycleId: string,
    @Query() query: unknown,
  ): Promise<Page<DeductionView>> {
    const scope = kokuhoScopeOf(principal);
    const id = cycleIdOf(cycleId);
    return this.ledger.listDeductions(scope, id, parsePageQuery(query));
  }

  @Get('cycles/:cycleId/deductions.csv')
  deductionsCsv(
    @Principal() principal: AuthPrincipal,
    @Param('cycleId') cycleId: string,
    @Res() response: Response,
  ): Promise<void> {
    return sendDeductionsCsv(this.ledger, kokuhoScopeOf(principal), cycleIdOf(cycleId), response);
  }

  /** the 国保連 takes the cycle; results may be posted from then on (idempotent) */
  @Post('cycles/:cycleId/acknowledgement')
  @HttpCode(200)
  acknowledge(@Principal() principal: AuthPrincipal, @Param('cycleId') cycleId: string): Promise<CycleView> {
    const actor = kokuhoActorOf(principal);
    return this.ledger.acknowledgeCycle(actor, actor.prefecture, cycleIdOf(cycleId));
  }

  /** JSON `{results:[…]}` or MS932 CSV; all or nothing */
  @Post('cycles/:cycleId/results')
  @HttpCode(200)
  async results(
    @Principal() principal: AuthPrincipal,
    @Param('cycleId') cycleId: string,
    @Req() request: Request,
  ): Promise<ResultsApplied> {
    const actor = kokuhoActorOf(principal);
    const id = cycleIdOf(cycleId);
    // another prefecture's cycle is refused before its body is read: a stranger learns nothing
    await this.ledger.getCycle(actor.prefecture, id);
    return this.ledger.postResults(actor, actor.prefecture, id, await readResults(request));
  }

  @Get('cycles/:cycleId/reconciliation')
  reconciliation(
    @Principal() principal: AuthPrincipal,
    @Param('cycleId') cycleId: string,
  ): Promise<ReconciliationReport> {
    return this.ledger.reconcile(kokuhoScopeOf(principal), cycleIdOf(cycleId));
  }
}
