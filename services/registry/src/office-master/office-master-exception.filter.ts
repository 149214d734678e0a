import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { OfficeMasterError, OfficeMasterErrorCode } from './office-master.errors';

export function statusOf(code: OfficeMasterErrorCode): HttpStatus {
  switch (code) {
    case OfficeMasterErrorCode.OFFICE_MASTER_INVALID:
    case OfficeMasterErrorCode.OFFICE_MASTER_PREFECTURE_INVALID:
      return HttpStatus.BAD_REQUEST;
    case OfficeMasterErrorCode.OFFICE_MASTER_FORBIDDEN:
      return HttpStatus.FORBIDDEN;
    case OfficeMasterErrorCode.OFFICE_MASTER_OFFICE_NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case OfficeMasterErrorCode.OFFICE_MASTER_STALE:
      return HttpStatus.CONFLICT;
    case OfficeMasterErrorCode.OFFICE_MASTER_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case OfficeMasterErrorCode.OFFICE_MASTER_MEDIA_TYPE_UNSUPPORTED:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped office master error code ${String(unknown)}`);
    }
  }
}

@Catch(OfficeMasterError)
export class OfficeMasterExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OfficeMasterExceptionFilter.name);

  catch(error: OfficeMasterError, host: ArgumentsHost): void {
    this.logger.debug({ code: error.code }, 'office master request refused');
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      correlationId: currentCorrelationId(),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
    host.switchToHttp().getResponse<Response>().status(statusOf(error.code)).json(body);
  }
}
