import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Time and ids of the ledger, behind one small adapter (STYLE §7): tests drive a licence's year with it. */
@Injectable()
export class BillingClock {
  now(): Date {
    return new Date();
  }

  uuid(): string {
    return randomUUID();
  }
}
