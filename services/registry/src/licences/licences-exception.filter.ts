import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { LicencesError, LicencesErrorCode } from './licences.errors';

export function statusOf(code: LicencesErrorCode): HttpStatus {
  switch (code) {
    case LicencesErrorCode.REQUEST_INVALID:
    case LicencesErrorCode.OFFICE_NUMBER_INVALID:
    case LicencesErrorCode.LICENCE_APPLICATION_INVALID:
    case LicencesErrorCode.LICENCE_APPLICATION_SIGNATURE_INVALID:
      return HttpStatus.BAD_REQUEST;
    case LicencesErrorCode.LICENCE_APPLICATION_NOT_AUTHENTICATED:
    case LicencesErrorCode.LICENCE_SERVICE_TYPE_NOT_COVERED:
      return HttpStatus.FORBIDDEN;
    case LicencesErrorCode.LICENCE_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case LicencesErrorCode.LICENCE_OFFICE_NOT_REGISTERED:
    case LicencesErrorCode.LICENCE_ALREADY_ACTIVE:
    case LicencesErrorCode.LICENCE_SUSPENDED:
    case LicencesErrorCode.LICENCE_TRANSITION_INVALID:
      return HttpStatus.CONFLICT;
    case LicencesErrorCode.LICENCE_APPLICATION_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case LicencesErrorCode.LICENCE_APPLICATION_MEDIA_TYPE:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped licences error code ${String(unknown)}`);
    }
  }
}

@Catch(LicencesError)
export class LicencesExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(LicencesExceptionFilter.name);

  catch(error: LicencesError, host: ArgumentsHost): void {
    this.logger.debug({ code: error.code }, 'licence request refused');
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      correlationId: currentCorrelationId(),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
    host.switchToHttp().getResponse<Response>().status(statusOf(error.code)).json(body);
  }
}
