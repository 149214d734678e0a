import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal } from '@renkei/platform';
import type { Request, Response } from 'express';
import { assertEnvelopeMediaType, MAX_ENVELOPE_REQUEST_BYTES, readEnvelopeBody } from './envelope-body.util';
import { IntakeExceptionFilter } from './envelopes-exception.filter';
import { IntakeError, IntakeErrorCode } from './envelopes.errors';
import { AcceptedEnvelope, EnvelopesService } from './envelopes.service';
import { IntakeMetrics } from './intake.metrics';

@Controller('v1/envelopes')
@UseFilters(IntakeExceptionFilter)
export class EnvelopesController {
  constructor(
    @Inject(EnvelopesService) private readonly envelopes: EnvelopesService,
    @Inject(IntakeMetrics) private readonly metrics: IntakeMetrics,
  ) {}

  /** a sealed send unit (DER, docs/envelope.md) from the token's office; the token guard has run already */
  @Post()
  @HttpCode(202)
  async send(@Principal() principal: AuthPrincipal, @Req() request: Request): Promise<AcceptedEnvelope> {
    try {
      assertEnvelopeMediaType(request.headers['content-type']);
      const der = await readEnvelopeBody(request, MAX_ENVELOPE_REQUEST_BYTES);
      const accepted = await this.envelopes.accept(principal, der);
      this.metrics.count('accepted');
      return accepted;
    } catch (error) {
      if (error instanceof IntakeError) this.metrics.count(error.code);
      throw error;
    }
  }

  /** the platform's signed acceptance receipt (DER, docs/envelope.md §10), to the sender or the recipient */
  @Get(':envelopeId/acceptance-receipt')
  async acceptanceReceipt(
    @Principal() principal: AuthPrincipal,
    @Param('envelopeId') envelopeId: string,
    @Res() response: Response,
  ): Promise<void> {
    if (!ENVELOPE_ID.test(envelopeId)) {
      throw new IntakeError(IntakeErrorCode.ENVELOPE_ID_INVALID, 'envelope id is not a UUID');
    }
    const der = await this.envelopes.acceptanceReceipt(principal, envelopeId.toLowerCase());
    response.status(200).type('application/cms').setHeader('Content-Length', String(der.byteLength));
    response.end(der);
  }
}

const ENVELOPE_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
