// The NOTIFY channel on which the transaction that files an envelope in an inbox announces it (at commit) to
// every delivery replica, and its payload: `<office number>:<inbox seq>` (a few bytes; NOTIFY allows 8000).

/** `delivery_inbox` for the delivery schema */
export function inboxChannelOf(schema: string): string {
  return `${schema}_inbox`;
}

export interface InboxNotice {
  readonly officeNumber: string;
  readonly seq: number;
}

const PAYLOAD = /^([0-9A-Z]{10}):([1-9][0-9]{0,15})$/;

export function inboxNoticePayload(notice: InboxNotice): string {
  return `${notice.officeNumber}:${notice.seq}`;
}

/** the notice, or undefined for a payload this code did not write */
export function parseInboxNotice(payload: string): InboxNotice | undefined {
  const match = PAYLOAD.exec(payload);
  if (!match) return undefined;
  return { officeNumber: match[1], seq: Number(match[2]) };
}
