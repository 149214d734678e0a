import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { IntakeError, IntakeErrorCode } from './envelopes.errors';
import { closeAfterAnswerLingering } from './lingering-close.util';

export function statusOf(code: IntakeErrorCode): HttpStatus {
  switch (code) {
    case IntakeErrorCode.ENVELOPE_MALFORMED:
    case IntakeErrorCode.MANIFEST_INVALID:
    case IntakeErrorCode.ENVELOPE_ID_INVALID:
    case IntakeErrorCode.UNSUPPORTED_ALGORITHM:
      return HttpStatus.BAD_REQUEST;
    case IntakeErrorCode.SENDER_MISMATCH:
    case IntakeErrorCode.SENDER_LICENCE_NOT_LIVE:
      return HttpStatus.FORBIDDEN;
    case IntakeErrorCode.ENVELOPE_DUPLICATE:
    case IntakeErrorCode.ENVELOPE_ID_CONFLICT:
      return HttpStatus.CONFLICT;
    case IntakeErrorCode.ENVELOPE_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case IntakeErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case IntakeErrorCode.SIGNATURE_INVALID:
    case IntakeErrorCode.CERTIFICATE_UNTRUSTED:
    case IntakeErrorCode.CERTIFICATE_EXPIRED:
    case IntakeErrorCode.CERTIFICATE_NOT_YET_VALID:
    case IntakeErrorCode.CERTIFICATE_PROFILE_MISMATCH:
    case IntakeErrorCode.CERTIFICATE_REVOKED:
    case IntakeErrorCode.CERTIFICATE_PATH_INVALID:
    case IntakeErrorCode.CERTIFICATE_KEY_UNSUPPORTED:
    case IntakeErrorCode.SIGNING_TIME_INVALID:
    case IntakeErrorCode.RECIPIENT_UNKNOWN:
    case IntakeErrorCode.RECIPIENT_LICENCE_NOT_LIVE:
    case IntakeErrorCode.SEND_UNIT_INVALID:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case IntakeErrorCode.ENVELOPE_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case IntakeErrorCode.TRUST_ANCHORS_NOT_CONFIGURED:
    case IntakeErrorCode.RECEIPT_KEY_NOT_CONFIGURED:
      return HttpStatus.SERVICE_UNAVAILABLE;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped intake error code ${String(unknown)}`);
    }
  }
}

@Catch(IntakeError)
export class IntakeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(IntakeExceptionFilter.name);

  catch(error: IntakeError, host: ArgumentsHost): void {
    const status = statusOf(error.code);
    if (status === HttpStatus.SERVICE_UNAVAILABLE) this.logger.error({ code: error.code }, error.message);
    else this.logger.debug({ code: error.code }, 'envelope refused');
    const response = host.switchToHttp().getResponse<Response>();
    // the rest of an oversized body is never read: close the connection (lingering, so the 413 arrives)
    if (status === HttpStatus.PAYLOAD_TOO_LARGE) {
      response.setHeader('Connection', 'close');
      closeAfterAnswerLingering(host.switchToHttp().getRequest<IncomingMessage>());
    }
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      correlationId: currentCorrelationId(),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
    response.status(status).json(body);
  }
}
