import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Time and ids of licences, behind one small adapter (STYLE §7): tests drive a licence's year with it. */
@Injectable()
export class LicencesClock {
  now(): Date {
    return new Date();
  }

  uuid(): string {
    return randomUUID();
  }
}
