import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { EnvelopesError, EnvelopesErrorCode } from './envelopes.errors';

export function statusOf(code: EnvelopesErrorCode): HttpStatus {
  switch (code) {
    case EnvelopesErrorCode.ENVELOPE_ID_INVALID:
      return HttpStatus.BAD_REQUEST;
    case EnvelopesErrorCode.ENVELOPE_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped envelopes error code ${String(unknown)}`);
    }
  }
}

@Catch(EnvelopesError)
export class EnvelopesExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(EnvelopesExceptionFilter.name);

  catch(error: EnvelopesError, host: ArgumentsHost): void {
    this.logger.debug({ code: error.code }, 'download refused');
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      correlationId: currentCorrelationId(),
    };
    host.switchToHttp().getResponse<Response>().status(statusOf(error.code)).json(body);
  }
}
