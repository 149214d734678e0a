import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Time and ids of the trust store, behind one small adapter (STYLE §7). */
@Injectable()
export class TrustClock {
  now(): Date {
    return new Date();
  }

  uuid(): string {
    return randomUUID();
  }
}
