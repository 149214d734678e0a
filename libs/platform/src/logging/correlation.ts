// The correlation id follows a request or an event through every log line, without being passed by hand.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_HEADER = 'x-correlation-id';
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface CorrelationContext {
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

export function runWithCorrelationId<T>(correlationId: string | undefined, work: () => T): T {
  return storage.run({ correlationId: acceptCorrelationId(correlationId) }, work);
}

/** a caller's id when it is well-formed, else a fresh one (an id is echoed in headers and logs) */
export function acceptCorrelationId(candidate: string | undefined | null): string {
  return candidate && VALID_ID.test(candidate) ? candidate : randomUUID();
}

/** Express-style middleware: adopts or creates the id, echoes it in the response header. */
export function correlationMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const header = req.headers[CORRELATION_HEADER];
  const correlationId = acceptCorrelationId(Array.isArray(header) ? header[0] : header);
  res.setHeader(CORRELATION_HEADER, correlationId);
  storage.run({ correlationId }, next);
}
