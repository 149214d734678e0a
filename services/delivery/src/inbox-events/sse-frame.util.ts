// Server-sent events framing (WHATWG HTML, "Server-sent events"): one event is `event:`, `id:` and `data:`
// lines ended by an empty line; a line starting with `:` is a comment (the heartbeat); `retry:` tells the
// client how long to wait before reconnecting.

export interface SseEvent {
  /** the event type; absent: `message` */
  readonly event?: string;
  /** the client's last event id from this event on (sent back as Last-Event-ID when it reconnects) */
  readonly id?: string;
  /** any text; a line break starts a new `data:` line, as the format requires */
  readonly data: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

// a field value must not hold a line break, and an id must not hold NUL (the client would ignore it)
function assertField(name: string, value: string): void {
  if (LINE_BREAK.test(value) || value.includes('\0')) {
    throw new Error(`an SSE ${name} holds a line break or NUL`);
  }
}

export function sseEvent(event: SseEvent): string {
  let frame = '';
  if (event.event !== undefined) {
    assertField('event', event.event);
    frame += `event: ${event.event}\n`;
  }
  if (event.id !== undefined) {
    assertField('id', event.id);
    frame += `id: ${event.id}\n`;
  }
  for (const line of event.data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** a comment line: ignored by clients, keeps proxies from closing an idle connection */
export function sseComment(text: string): string {
  assertField('comment', text);
  return `: ${text}\n\n`;
}

/** the reconnection delay the client should use, in milliseconds */
export function sseRetry(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error('an SSE retry is a non-negative integer');
  return `retry: ${ms}\n\n`;
}
