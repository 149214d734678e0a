import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { Public, Roles } from '@renkei/platform';
import type { Request, Response } from 'express';
import { readCrlBody } from './crl-body.util';
import { parseAddAnchorDto, parseRetireAnchorDto, parseSetProfileDto } from './dto/add-anchor.dto';
import { TrustExceptionFilter } from './trust-exception.filter';
import { TrustQueriesService, type RevocationView, type TrustSnapshotView } from './trust-queries.service';
import { TrustError, TrustErrorCode } from './trust.errors';
import { TrustService, type RecordedCrl } from './trust.service';
import type { AnchorView } from './trust-view.util';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () => new TrustError(TrustErrorCode.TRUST_ANCHOR_NOT_FOUND, 'no such trust anchor'),
});

/** The trust configuration (docs/trust.md, Operator API): operators change it; anyone reads the snapshot. */
@Controller('v1/trust')
@UseFilters(TrustExceptionFilter)
export class TrustController {
  constructor(
    @Inject(TrustService) private readonly trust: TrustService,
    @Inject(TrustQueriesService) private readonly queries: TrustQueriesService,
  ) {}

  @Roles('operator')
  @Get('anchors')
  anchors(): Promise<{ version: string; anchors: AnchorView[] }> {
    return this.queries.anchors();
  }

  @Roles('operator')
  @Post('anchors')
  @HttpCode(201)
  async addAnchor(@Body() body: unknown): Promise<AnchorView> {
    return this.queries.anchor((await this.trust.addAnchor(parseAddAnchorDto(body))).id);
  }

  @Roles('operator')
  @Post('anchors/:id/retire')
  @HttpCode(200)
  async retireAnchor(@Param('id', uuid) id: string, @Body() body: unknown): Promise<AnchorView> {
    const { reason } = parseRetireAnchorDto(body);
    return this.queries.anchor((await this.trust.retireAnchor(id, reason)).id);
  }

  @Roles('operator')
  @Put('anchors/:id/profile')
  @HttpCode(200)
  async setProfile(@Param('id', uuid) id: string, @Body() body: unknown): Promise<AnchorView> {
    const { profile } = parseSetProfileDto(body);
    return this.queries.anchor((await this.trust.setProfile(id, profile)).id);
  }

  /** a CRL of an active anchor: 201 when recorded, 200 when the same CRL was already recorded */
  @Roles('operator')
  @Post('crls')
  async recordCrl(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Omit<RecordedCrl, 'changed'>> {
    const { changed, ...recorded } = await this.trust.recordCrl(await readCrlBody(request), 'upload');
    response.status(changed ? 201 : 200);
    return recorded;
  }

  /** public: what agents and relying parties trust (active anchors, profiles, CRL status) */
  @Public()
  @Get('snapshot')
  snapshot(): Promise<TrustSnapshotView> {
    return this.queries.snapshot();
  }

  @Roles('operator')
  @Get('revocations')
  revocation(
    @Query('issuerNameSha256') issuerNameSha256: unknown,
    @Query('serialNumber') serialNumber: unknown,
  ): Promise<RevocationView> {
    return this.queries.revocation(issuerNameSha256, serialNumber);
  }
}
