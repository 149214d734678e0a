import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { AuthPrincipal, Principal, Roles } from '@renkei/platform';
import type { Request, Response } from 'express';
import { readApplicationBody } from './dto/licence-application.dto';
import { parseLicenceQuery, parseOfficeNumber, parseReason, parseRenewal } from './dto/licence-requests.dto';
import { LicenceQueriesService } from './licence-queries.service';
import type { LicenceChangeView, LicenceSummary, LicenceView, Page } from './licence.view';
import { LicencesExceptionFilter } from './licences-exception.filter';
import { LicencesService } from './licences.service';

@Controller('v1/licences')
@UseFilters(LicencesExceptionFilter)
export class LicencesController {
  constructor(
    @Inject(LicencesService) private readonly licences: LicencesService,
    @Inject(LicenceQueriesService) private readonly queries: LicenceQueriesService,
  ) {}

  /** 利用申請: a CMS SignedData (application/cms) over the canonical JSON application, by the office certificate */
  @Post('applications')
  @Roles('office')
  async apply(
    @Principal() principal: AuthPrincipal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LicenceView> {
    const { applied, licence } = await this.licences.apply(principal, await readApplicationBody(request));
    // 201 when this application opened the licence, 200 for a retry of the same one
    response.status(applied ? 201 : 200);
    return licence;
  }

  // the office's own routes come before the :officeNumber ones
  @Get('me')
  @Roles('office')
  me(@Principal() principal: AuthPrincipal): Promise<LicenceView> {
    return this.licences.getOwn(principal);
  }

  @Get('me/changes')
  @Roles('office')
  myChanges(@Principal() principal: AuthPrincipal): Promise<LicenceChangeView[]> {
    return this.queries.ownChanges(principal.officeNumber);
  }

  @Post('me/renewal')
  @HttpCode(200)
  @Roles('office')
  renew(@Principal() principal: AuthPrincipal, @Body() body: unknown): Promise<LicenceView> {
    return this.licences.renew(principal, parseRenewal(body).autoRenew);
  }

  @Post('me/cancel')
  @HttpCode(200)
  @Roles('office')
  cancelOwn(@Principal() principal: AuthPrincipal, @Body() body: unknown): Promise<LicenceView> {
    return this.licences.cancelOwn(principal, parseReason(body));
  }

  /** operators: every licence; a 国保連: its prefecture's */
  @Get()
  @Roles('operator', 'kokuhoren')
  list(
    @Principal() principal: AuthPrincipal,
    @Query() query: Record<string, unknown>,
  ): Promise<Page<LicenceView>> {
    return this.queries.list(principal, parseLicenceQuery(query));
  }

  /** per prefecture counts: operators every prefecture, a 国保連 its own (declared before :officeNumber) */
  @Get('summary')
  @Roles('operator', 'kokuhoren')
  summary(@Principal() principal: AuthPrincipal): Promise<LicenceSummary> {
    return this.queries.summary(principal);
  }

  @Get(':officeNumber')
  @Roles('operator', 'kokuhoren')
  get(
    @Principal() principal: AuthPrincipal,
    @Param('officeNumber') officeNumber: string,
  ): Promise<LicenceView> {
    return this.queries.get(principal, parseOfficeNumber(officeNumber));
  }

  @Get(':officeNumber/changes')
  @Roles('operator', 'kokuhoren')
  changes(
    @Principal() principal: AuthPrincipal,
    @Param('officeNumber') officeNumber: string,
  ): Promise<LicenceChangeView[]> {
    return this.queries.changes(principal, parseOfficeNumber(officeNumber));
  }

  @Post(':officeNumber/suspend')
  @HttpCode(200)
  @Roles('operator')
  suspend(
    @Principal() principal: AuthPrincipal,
    @Param('officeNumber') officeNumber: string,
    @Body() body: unknown,
  ): Promise<LicenceView> {
    return this.licences.suspend(principal, parseOfficeNumber(officeNumber), parseReason(body));
  }

  @Post(':officeNumber/reinstate')
  @HttpCode(200)
  @Roles('operator')
  reinstate(
    @Principal() principal: AuthPrincipal,
    @Param('officeNumber') officeNumber: string,
    @Body() body: unknown,
  ): Promise<LicenceView> {
    return this.licences.reinstate(principal, parseOfficeNumber(officeNumber), parseReason(body));
  }

  @Post(':officeNumber/cancel')
  @HttpCode(200)
  @Roles('operator')
  cancel(
    @Principal() principal: AuthPrincipal,
    @Param('officeNumber') officeNumber: string,
    @Body() body: unknown,
  ): Promise<LicenceView> {
    return this.licences.cancel(principal, parseOfficeNumber(officeNumber), parseReason(body));
  }
}
