import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { TrustError, TrustErrorCode } from './trust.errors';

export function statusOf(code: TrustErrorCode): HttpStatus {
  switch (code) {
    case TrustErrorCode.REQUEST_INVALID:
    case TrustErrorCode.TRUST_ANCHOR_INVALID:
    case TrustErrorCode.TRUST_PROFILE_INVALID:
    case TrustErrorCode.CRL_MALFORMED:
      return HttpStatus.BAD_REQUEST;
    case TrustErrorCode.TRUST_ANCHOR_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case TrustErrorCode.TRUST_ANCHOR_DUPLICATE:
    case TrustErrorCode.TRUST_ANCHOR_RETIRED:
    case TrustErrorCode.TRUST_ANCHOR_LAST_ACTIVE:
    case TrustErrorCode.CRL_OUTDATED:
      return HttpStatus.CONFLICT;
    case TrustErrorCode.CRL_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case TrustErrorCode.CRL_MEDIA_TYPE_UNSUPPORTED:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case TrustErrorCode.CRL_UNSUPPORTED:
    case TrustErrorCode.CRL_ISSUER_UNKNOWN:
    case TrustErrorCode.CRL_SIGNATURE_INVALID:
    case TrustErrorCode.CRL_NOT_YET_VALID:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case TrustErrorCode.CRL_FETCH_FAILED:
      return HttpStatus.BAD_GATEWAY;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped trust error code ${String(unknown)}`);
    }
  }
}

@Catch(TrustError)
export class TrustExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(TrustExceptionFilter.name);

  catch(error: TrustError, host: ArgumentsHost): void {
    const status = statusOf(error.code);
    this.logger.debug({ code: error.code }, 'trust request refused');
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      correlationId: currentCorrelationId(),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}
