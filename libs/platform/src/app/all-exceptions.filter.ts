// Last line of defence: anything a feature filter did not map becomes a JSON error with a stable code.
// Unknown errors are a 500 carrying the correlation id; only they log a stack.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { currentCorrelationId } from '../logging/correlation';

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly correlationId?: string;
  readonly details?: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const correlationId = currentCorrelationId();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const explicit = typeof payload === 'object' && payload !== null ? (payload as Partial<ErrorBody>) : {};
      const body: ErrorBody = {
        code:
          typeof explicit.code === 'string' ? explicit.code : (CODE_BY_STATUS[status] ?? `HTTP_${status}`),
        message: typeof explicit.message === 'string' ? explicit.message : exception.message,
        correlationId,
        ...(explicit.details !== undefined ? { details: explicit.details } : {}),
      };
      this.logger.debug({ code: body.code, status }, 'request refused');
      response.status(status).json(body);
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      code: 'INTERNAL',
      message: 'internal error; quote the correlation id when reporting it',
      correlationId,
    } satisfies ErrorBody);
  }
}
