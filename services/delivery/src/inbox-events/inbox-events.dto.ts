import { DeliveryError, DeliveryErrorCode } from '../envelopes/envelopes.errors';

// an event id of GET /v1/inbox/events: an inbox number (0: before the first)
const EVENT_ID = /^(0|[1-9][0-9]{0,14})$/;

/**
 * Where a GET /v1/inbox/events stream resumes: the `Last-Event-ID` header (what an SSE client sends when it
 * reconnects) or else `?after=`; undefined when neither is given (only new arrivals).
 */
export function parseEventsAfter(
  query: Record<string, unknown>,
  lastEventId: string | undefined,
): number | undefined {
  const header = lastEventId?.trim();
  if (header !== undefined && header !== '') {
    if (EVENT_ID.test(header)) return Number(header);
    throw invalid('Last-Event-ID');
  }
  const raw = query['after'];
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && EVENT_ID.test(raw)) return Number(raw);
  throw invalid('after');
}

function invalid(field: string): DeliveryError {
  return new DeliveryError(DeliveryErrorCode.REQUEST_INVALID, 'the resumption point is invalid', [
    { field, problem: 'must be the id of an event of this stream (a non-negative integer)' },
  ]);
}
