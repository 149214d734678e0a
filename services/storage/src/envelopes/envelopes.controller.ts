import { Controller, Get, Inject, Logger, Param, Req, Res, UseFilters } from '@nestjs/common';
import { AuthPrincipal, currentCorrelationId, Principal } from '@renkei/platform';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { UUID } from './accepted-envelope.util';
import { EnvelopesExceptionFilter } from './envelopes-exception.filter';
import { EnvelopesError, EnvelopesErrorCode } from './envelopes.errors';
import { EnvelopesService, OpenedEnvelope } from './envelopes.service';

@Controller('v1/envelopes')
@UseFilters(EnvelopesExceptionFilter)
export class EnvelopesController {
  private readonly logger = new Logger(EnvelopesController.name);

  constructor(@Inject(EnvelopesService) private readonly envelopes: EnvelopesService) {}

  /** the stored DER, streamed to the sender or the recipient; the download counts once the last byte is sent */
  @Get(':envelopeId/content')
  async content(
    @Principal() principal: AuthPrincipal,
    @Param('envelopeId') envelopeId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (!UUID.test(envelopeId)) {
      throw new EnvelopesError(EnvelopesErrorCode.ENVELOPE_ID_INVALID, 'the envelope id is not a UUID');
    }
    const opened = await this.envelopes.open(envelopeId.toLowerCase(), principal);
    const { envelope, object } = opened;
    response.status(200);
    response.setHeader('Content-Type', 'application/cms');
    response.setHeader('Content-Length', String(object.size));
    response.setHeader('ETag', `"${envelope.objectSha256}"`);
    response.setHeader('X-Content-SHA256', envelope.objectSha256);
    response.setHeader('Cache-Control', 'private, no-store');
    if (request.method === 'HEAD') {
      object.body.destroy();
      response.end();
      return;
    }
    const correlationId = currentCorrelationId();
    // 'finish': every byte was handed to the connection; an aborted download only ever emits 'close'
    response.once('finish', () => void this.finished(opened, correlationId));
    try {
      await pipeline(object.body, response);
    } catch (error) {
      this.logger.debug({ envelopeId: envelope.envelopeId, err: error }, 'download not completed');
    }
  }

  private async finished(opened: OpenedEnvelope, correlationId: string | undefined): Promise<void> {
    const { envelope, object } = opened;
    try {
      const sha256 = await object.sha256;
      if (sha256 !== envelope.objectSha256) {
        this.logger.error(
          { envelopeId: envelope.envelopeId, expected: envelope.objectSha256, actual: sha256 },
          'served object does not match its registered digest; download not recorded',
        );
        return;
      }
      await this.envelopes.recordDownload(opened, object.size, correlationId);
    } catch (error) {
      this.logger.error({ envelopeId: envelope.envelopeId, err: error }, 'download could not be recorded');
    }
  }
}
