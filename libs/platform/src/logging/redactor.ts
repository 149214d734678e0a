// Redaction of secrets and personal data before anything is written to a log. Applied to every log record:
// keys that name a secret or a personal attribute are censored at any depth, known secret values (from the
// configuration) are censored inside any string, and PEM private keys never pass.

export const REDACTED = '[REDACTED]';

const SECRET_KEY =
  /(authorization|cookie|password|passphrase|passwd|secret|private_?key|api_?key|credential|access_?token|refresh_?token|bearer|^token$)/i;

// personal data of care users and staff; the platform itself never holds care data, but the agent and the
// registry handle office contacts, and a log line must not become the leak
const PERSONAL_KEY =
  /(birth|address|phone|tel(ephone)?$|e_?mail|insured|hihokensha|kana|full_?name|person_?name|user_?name|patient|氏名|住所|生年月日|電話|被保険者)/i;

const PEM_PRIVATE_KEY =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const MAX_DEPTH = 8;

export class Redactor {
  private values: string[] = [];

  constructor(secretValues: readonly string[] = []) {
    this.add(secretValues);
  }

  /** censors these values too from now on (a secret known only after start-up, e.g. a generated password) */
  add(secretValues: readonly string[]): void {
    // longest first, so a URL containing a password is censored whole
    this.values = [...new Set([...this.values, ...secretValues.filter((value) => value.length >= 4)])].sort(
      (a, b) => b.length - a.length,
    );
  }

  isSensitiveKey(key: string): boolean {
    return SECRET_KEY.test(key) || PERSONAL_KEY.test(key);
  }

  redactString(text: string): string {
    let result = text.includes('PRIVATE KEY-----')
      ? text.replace(PEM_PRIVATE_KEY, '[REDACTED PRIVATE KEY]')
      : text;
    for (const value of this.values) {
      if (result.includes(value)) result = result.split(value).join(REDACTED);
    }
    return result;
  }

  /** a redacted copy; the input is never mutated */
  redact<T>(value: T): T {
    return this.walk(value, 0, new WeakSet()) as T;
  }

  private walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[Truncated]';
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
    if (value instanceof Error) {
      // stays an Error so pino's error serializer keeps its type
      const copy = new Error(this.redactString(value.message));
      copy.name = value.name;
      copy.stack = value.stack ? this.redactString(value.stack) : undefined;
      const code = (value as { code?: unknown }).code;
      if (typeof code === 'string') Object.assign(copy, { code });
      return copy;
    }
    if (Array.isArray(value)) return value.map((item) => this.walk(item, depth + 1, seen));
    const output: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      output[key] =
        this.isSensitiveKey(key) && item !== undefined && item !== null
          ? REDACTED
          : this.walk(item, depth + 1, seen);
    }
    return output;
  }
}
