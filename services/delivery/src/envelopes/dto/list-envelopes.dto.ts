import { decodeCursor, type CursorList, type EnvelopeCursor } from '../envelope-cursor.util';
import { DeliveryError, DeliveryErrorCode } from '../envelopes.errors';

export const INBOX_STATUSES = ['available', 'downloaded', 'all'] as const;
export type InboxStatusFilter = (typeof INBOX_STATUSES)[number];

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

export interface ListEnvelopesDto {
  readonly limit: number;
  readonly after: EnvelopeCursor | undefined;
}

export interface ListInboxDto extends ListEnvelopesDto {
  readonly status: InboxStatusFilter;
  /** list the arrivals numbered above this (inbox_seq) instead of paging by cursor */
  readonly since: number | undefined;
}

interface Problem {
  readonly field: string;
  readonly problem: string;
}

type Query = Record<string, unknown>;

function parseLimit(query: Query, problems: Problem[]): number {
  const raw = query['limit'];
  if (raw === undefined) return DEFAULT_LIMIT;
  if (typeof raw === 'string' && /^[0-9]{1,4}$/.test(raw)) {
    const limit = Number(raw);
    if (limit >= 1 && limit <= MAX_LIMIT) return limit;
  }
  problems.push({ field: 'limit', problem: `must be an integer from 1 to ${MAX_LIMIT}` });
  return DEFAULT_LIMIT;
}

function parseAfter(query: Query, list: CursorList, problems: Problem[]): EnvelopeCursor | undefined {
  const raw = query['after'];
  if (raw === undefined) return undefined;
  const cursor = typeof raw === 'string' ? decodeCursor(raw, list) : undefined;
  if (!cursor)
    problems.push({ field: 'after', problem: `must be the next cursor of a previous ${list} page` });
  return cursor;
}

function parseStatus(query: Query, problems: Problem[]): InboxStatusFilter {
  const raw = query['status'];
  if (raw === undefined) return 'all';
  if (typeof raw === 'string' && (INBOX_STATUSES as readonly string[]).includes(raw)) {
    return raw as InboxStatusFilter;
  }
  problems.push({ field: 'status', problem: `must be one of ${INBOX_STATUSES.join(', ')}` });
  return 'all';
}

// an inbox number: a non-negative integer JSON and JavaScript carry exactly (at most 2^53-1)
const INBOX_SEQ = /^(0|[1-9][0-9]{0,15})$/;

function parseSince(query: Query, status: InboxStatusFilter, problems: Problem[]): number | undefined {
  const raw = query['since'];
  if (raw === undefined) return undefined;
  const since = typeof raw === 'string' && INBOX_SEQ.test(raw) ? Number(raw) : undefined;
  if (since === undefined || since > Number.MAX_SAFE_INTEGER) {
    problems.push({ field: 'since', problem: 'must be an inbox number (an integer from 0 to 2^53-1)' });
    return undefined;
  }
  // a number lists every arrival above it: neither a cursor nor a download filter applies
  if (query['after'] !== undefined) {
    problems.push({ field: 'since', problem: 'cannot be combined with after' });
  }
  if (status !== 'all')
    problems.push({ field: 'since', problem: 'cannot be combined with a status other than all' });
  return since;
}

function refuseIfAny(problems: Problem[]): void {
  if (problems.length > 0) {
    throw new DeliveryError(DeliveryErrorCode.REQUEST_INVALID, 'the query parameters are invalid', problems);
  }
}

/** `?status&limit&after` or `?since&limit` of GET /v1/inbox; every problem is listed at once. */
export function parseListInboxDto(query: Query): ListInboxDto {
  const problems: Problem[] = [];
  const status = parseStatus(query, problems);
  const limit = parseLimit(query, problems);
  const after = parseAfter(query, 'inbox', problems);
  const since = parseSince(query, status, problems);
  refuseIfAny(problems);
  return { status, limit, after, since };
}

/** `?limit&after` of GET /v1/sent. */
export function parseListSentDto(query: Query): ListEnvelopesDto {
  const problems: Problem[] = [];
  const limit = parseLimit(query, problems);
  const after = parseAfter(query, 'sent', problems);
  refuseIfAny(problems);
  return { limit, after };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `{envelopeId}` path parameter, lower-cased. */
export function parseEnvelopeId(raw: string): string {
  if (!UUID.test(raw)) {
    throw new DeliveryError(DeliveryErrorCode.ENVELOPE_ID_INVALID, 'the envelope id is not a UUID');
  }
  return raw.toLowerCase();
}
