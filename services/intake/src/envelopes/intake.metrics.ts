import { Inject, Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@renkei/platform';
import type { Counter } from 'prom-client';
import type { IntakeErrorCode } from './envelopes.errors';

/** `accepted`, or the refusal's stable code: a bounded label set */
export type EnvelopeOutcome = 'accepted' | IntakeErrorCode;

@Injectable()
export class IntakeMetrics {
  private readonly envelopes: Counter<'outcome'>;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    this.envelopes = metrics.counter(
      'renkei_intake_envelopes_total',
      'Envelopes offered to POST /v1/envelopes, by outcome (accepted or the refusal code)',
      ['outcome'],
    );
  }

  count(outcome: EnvelopeOutcome): void {
    this.envelopes.inc({ outcome });
  }
}
