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

/** Codes of the request-body parser's refusals (body-parser `type`), which reach this filter unmapped. */
const CODE_BY_BODY_ERROR: Record<string, string> = {
  'entity.too.large': 'BODY_TOO_LARGE',
  'entity.parse.failed': 'BODY_MALFORMED',
  'entity.verify.failed': 'BODY_MALFORMED',
  'encoding.unsupported': 'BODY_ENCODING_UNSUPPORTED',
  'charset.unsupported': 'BODY_ENCODING_UNSUPPORTED',
  'request.aborted': 'BODY_ABORTED',
  'request.size.invalid': 'BODY_MALFORMED',
};

/** A client error the body parser raised before any handler ran: its status, and a stable code for it. */
export function bodyParserRefusal(
  exception: unknown,
): { status: number; code: string; message: string } | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { type, status, expose } = exception as { type?: unknown; status?: unknown; expose?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number' || expose !== true) return undefined;
  if (status < 400 || status > 499) return undefined;
  const code = CODE_BY_BODY_ERROR[type] ?? CODE_BY_STATUS[status] ?? `HTTP_${status}`;
  const message =
    status === 413 ? 'the request body is too large for this route' : 'the request body cannot be read';
  return { status, code, message };
}

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
    // the body parser refuses before any handler: a client error, never a 500
    const refusal = bodyParserRefusal(exception);
    if (refusal) {
      this.logger.debug({ code: refusal.code, status: refusal.status }, 'request body refused');
      response.status(refusal.status).json({ code: refusal.code, message: refusal.message, correlationId });
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
