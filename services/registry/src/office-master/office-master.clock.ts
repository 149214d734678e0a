import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Time and ids of the office master, behind one small adapter (STYLE §7). */
@Injectable()
export class OfficeMasterClock {
  now(): Date {
    return new Date();
  }

  uuid(): string {
    return randomUUID();
  }
}
