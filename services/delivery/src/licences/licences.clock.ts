import { Injectable } from '@nestjs/common';

/** The time licence liveness is judged at, behind one small adapter (STYLE §7). */
@Injectable()
export class LicencesClock {
  now(): Date {
    return new Date();
  }
}
