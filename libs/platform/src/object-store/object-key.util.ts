// Key rules shared by every ObjectStore adapter, so a key accepted by one is accepted by all.
import { ObjectStoreError, ObjectStoreErrorCode } from './object-store';

/** S3's limit; the local adapter also caps each segment at a file-name length */
export const MAX_OBJECT_KEY_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;
// a leading dot is refused so `.`, `..` and the local adapter's `.tmp` can never be addressed
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Throws ObjectStoreError(INVALID_KEY) unless `key` is `/`-separated segments of [A-Za-z0-9._-], none starting with `.`. */
export function assertValidObjectKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw invalidKey(key, problem);
}

/**
 * A list prefix is a key, a key followed by `/`, or a key with its last segment cut short; `''` lists everything.
 * Throws ObjectStoreError(INVALID_KEY) otherwise.
 */
export function assertValidObjectPrefix(prefix: string): void {
  if (prefix === '') return;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const problem = keyProblem(trimmed);
  if (problem) throw invalidKey(prefix, problem);
}

function keyProblem(key: string): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'is empty';
  if (key.length > MAX_OBJECT_KEY_LENGTH) return `is longer than ${MAX_OBJECT_KEY_LENGTH} characters`;
  for (const segment of key.split('/')) {
    if (segment.length === 0) return 'has an empty segment (leading, trailing or doubled slash)';
    if (segment.length > MAX_SEGMENT_LENGTH)
      return `has a segment longer than ${MAX_SEGMENT_LENGTH} characters`;
    if (!SEGMENT.test(segment)) return 'has a segment that is not [A-Za-z0-9._-] or starts with a dot';
  }
  return null;
}

function invalidKey(key: string, problem: string): ObjectStoreError {
  // JSON.stringify keeps control characters in the message visible and harmless
  return new ObjectStoreError(
    ObjectStoreErrorCode.InvalidKey,
    `Object key ${JSON.stringify(String(key).slice(0, 200))} ${problem}.`,
  );
}
