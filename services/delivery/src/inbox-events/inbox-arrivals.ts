import { Inject, Injectable } from '@nestjs/common';
import { itemOf } from '../envelopes/envelope-item.mapper';
import { EnvelopeRepository } from '../envelopes/envelope.repository';
import type { Arrival, ArrivalSource } from './inbox-stream';

/** An office's numbered arrivals as GET /v1/inbox lists them (the item with its timeline). */
@Injectable()
export class InboxArrivals implements ArrivalSource {
  constructor(@Inject(EnvelopeRepository) private readonly envelopes: EnvelopeRepository) {}

  async arrivalsAfter(officeNumber: string, afterSeq: number, take: number): Promise<Arrival[]> {
    const rows = await this.envelopes.findArrivals(officeNumber, afterSeq, take);
    const steps = await this.envelopes.stepsOf(rows.map((row) => row.envelopeId));
    return rows.map((row) => ({
      // findArrivals reads numbered rows only
      seq: row.inboxSeq ?? 0,
      item: itemOf(
        row,
        steps.filter((step) => step.envelopeId === row.envelopeId),
      ),
    }));
  }

  lastSeq(officeNumber: string): Promise<number> {
    return this.envelopes.lastInboxSeq(officeNumber);
  }
}
