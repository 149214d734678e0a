import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Time and ids of storage, behind one small adapter (STYLE §7). */
@Injectable()
export class StorageClock {
  now(): Date {
    return new Date();
  }

  uuid(): string {
    return randomUUID();
  }
}
