// Keyset cursors of the inbox and the sent list: the (time, envelope id) of the last item of a page, as
// opaque base64url JSON. A cursor names its list, so one taken from the inbox is refused by the sent list.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_CURSOR_LENGTH = 200;

export type CursorList = 'inbox' | 'sent';

export interface EnvelopeCursor {
  readonly list: CursorList;
  /** available_at (inbox) or accepted_at (sent) of the last item returned */
  readonly at: Date;
  readonly envelopeId: string;
}

export function encodeCursor(cursor: EnvelopeCursor): string {
  const json = JSON.stringify({ l: cursor.list, t: cursor.at.toISOString(), i: cursor.envelopeId });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** The cursor, or undefined when `text` is not a cursor of `list`. */
export function decodeCursor(text: string, list: CursorList): EnvelopeCursor | undefined {
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !BASE64URL.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { l, t, i } = parsed as Record<string, unknown>;
  if (l !== list || typeof t !== 'string' || typeof i !== 'string' || !UUID.test(i)) return undefined;
  const at = new Date(t);
  // only what encodeCursor writes: a canonical ISO instant
  if (Number.isNaN(at.getTime()) || at.toISOString() !== t) return undefined;
  return { list, at, envelopeId: i };
}
