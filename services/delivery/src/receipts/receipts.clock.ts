import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Time and ids of the receipt flow, behind one small adapter (STYLE §7). */
@Injectable()
export class ReceiptsClock {
  now(): Date {
    return new Date();
  }

  uuid(): string {
    return randomUUID();
  }
}
