// The local API's token: 256 random bits, made on the first start and kept in the profile directory (0600,
// `api-token`). Local callers (care software on this machine) read it from there and send it as a Bearer token;
// it is compared in constant time and never logged.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AgentError, AgentErrorCode, ExitCode } from '../agent.errors';

export const API_TOKEN_FILE = 'api-token';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface ApiToken {
  token: string;
  file: string;
  /** made by this start */
  created: boolean;
}

/** The token of the profile in `dir`: read, or made (exclusively, 0600) when there is none. */
export async function ensureApiToken(dir: string): Promise<ApiToken> {
  const file = path.join(dir, API_TOKEN_FILE);
  const token = randomBytes(32).toString('base64url');
  try {
    await fs.writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = (await fs.readFile(file, 'utf8')).trim();
  if (!TOKEN.test(stored)) {
    throw new AgentError(
      AgentErrorCode.PROFILE_INVALID,
      `ローカル API のトークンファイルが壊れています。削除してから起動し直してください (api-token unreadable): ${file}`,
      ExitCode.InvalidInput,
    );
  }
  // a copy or an editor may have widened it: the token is a credential
  await fs.chmod(file, 0o600);
  return { token: stored, file, created: false };
}

/** The token of an `Authorization: Bearer …` header, or undefined when there is none of that form. */
export function bearerOf(authorization: string | undefined): string | undefined {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? '');
  return match?.[1];
}

/** constant time in the length and content of both: SHA-256 of each, compared with timingSafeEqual */
export function tokenMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
