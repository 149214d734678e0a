import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { RecipientCertificateError, RecipientCertificateErrorCode } from './trust.errors';

export function statusOf(code: RecipientCertificateErrorCode): HttpStatus {
  switch (code) {
    case RecipientCertificateErrorCode.CERTIFICATE_UNREADABLE:
      return HttpStatus.BAD_REQUEST;
    case RecipientCertificateErrorCode.CERTIFICATE_UNTRUSTED:
    case RecipientCertificateErrorCode.CERTIFICATE_NOT_YET_VALID:
    case RecipientCertificateErrorCode.CERTIFICATE_EXPIRED:
    case RecipientCertificateErrorCode.CERTIFICATE_PROFILE_MISMATCH:
    case RecipientCertificateErrorCode.CERTIFICATE_REVOKED:
    case RecipientCertificateErrorCode.CERTIFICATE_PATH_INVALID:
    case RecipientCertificateErrorCode.CERTIFICATE_KEY_UNSUPPORTED:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case RecipientCertificateErrorCode.TRUST_ANCHORS_NOT_CONFIGURED:
      return HttpStatus.SERVICE_UNAVAILABLE;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped recipient certificate error code ${String(unknown)}`);
    }
  }
}

/** `@UseFilters(RecipientCertificateExceptionFilter)` on a controller whose handlers validate signers. */
@Catch(RecipientCertificateError)
export class RecipientCertificateExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(RecipientCertificateExceptionFilter.name);

  catch(error: RecipientCertificateError, host: ArgumentsHost): void {
    const status = statusOf(error.code);
    if (status === HttpStatus.SERVICE_UNAVAILABLE) this.logger.error({ code: error.code }, error.message);
    else this.logger.debug({ code: error.code }, 'signer certificate refused');
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      correlationId: currentCorrelationId(),
    };
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}
