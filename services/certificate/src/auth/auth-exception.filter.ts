import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { currentCorrelationId, type ErrorBody } from '@renkei/platform';
import type { Response } from 'express';
import { CertificateAuthError, CertificateAuthErrorCode } from './auth.errors';

export function statusOf(code: CertificateAuthErrorCode): HttpStatus {
  switch (code) {
    case CertificateAuthErrorCode.REQUEST_INVALID:
    case CertificateAuthErrorCode.SIGNED_CHALLENGE_MALFORMED:
      return HttpStatus.BAD_REQUEST;
    case CertificateAuthErrorCode.CHALLENGE_NOT_FOUND:
    case CertificateAuthErrorCode.CHALLENGE_EXPIRED:
    case CertificateAuthErrorCode.CHALLENGE_USED:
    case CertificateAuthErrorCode.SIGNATURE_INVALID:
    case CertificateAuthErrorCode.CERTIFICATE_UNTRUSTED:
    case CertificateAuthErrorCode.CERTIFICATE_EXPIRED:
    case CertificateAuthErrorCode.CERTIFICATE_NOT_YET_VALID:
    case CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH:
    case CertificateAuthErrorCode.CERTIFICATE_REVOKED:
    case CertificateAuthErrorCode.CERTIFICATE_PATH_INVALID:
    case CertificateAuthErrorCode.CERTIFICATE_KEY_UNSUPPORTED:
      return HttpStatus.UNAUTHORIZED;
    case CertificateAuthErrorCode.TRUST_ANCHORS_NOT_CONFIGURED:
      return HttpStatus.SERVICE_UNAVAILABLE;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped certificate auth error code ${String(unknown)}`);
    }
  }
}

@Catch(CertificateAuthError)
export class CertificateAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(CertificateAuthExceptionFilter.name);

  catch(error: CertificateAuthError, host: ArgumentsHost): void {
    const status = statusOf(error.code);
    if (status === HttpStatus.SERVICE_UNAVAILABLE) this.logger.error({ code: error.code }, error.message);
    else this.logger.debug({ code: error.code }, 'token request refused');
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      correlationId: currentCorrelationId(),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}
