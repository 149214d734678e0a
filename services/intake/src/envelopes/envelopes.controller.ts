import { Controller, HttpCode, Inject, Post, Req, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal } from '@renkei/platform';
import type { Request } from 'express';
import { assertEnvelopeMediaType, MAX_ENVELOPE_REQUEST_BYTES, readEnvelopeBody } from './envelope-body.util';
import { IntakeExceptionFilter } from './envelopes-exception.filter';
import { IntakeError } from './envelopes.errors';
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
}
