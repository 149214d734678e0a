import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';

/** Time and randomness of the auth flow, behind one small adapter (STYLE §7). */
@Injectable()
export class AuthClock {
  now(): Date {
    return new Date();
  }

  uuid(): string {
    return randomUUID();
  }

  /** `bytes` random bytes, base64url */
  nonce(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
  }
}
