import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { type EnvelopeSummary, Topics } from '@renkei/contracts';
import { EventConsumers, EventHeaders } from '@renkei/platform';
import { decodeAcceptedEnvelope } from './accepted-envelope.util';
import { EnvelopesService } from './envelopes.service';

export const ENVELOPES_GROUP = 'storage.envelopes';

/** intake.envelope.accepted.v1 → a stored envelope and its availability (decode, delegate). */
@Injectable()
export class EnvelopesConsumer implements OnModuleInit {
  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
    @Inject(EnvelopesService) private readonly envelopes: EnvelopesService,
  ) {}

  onModuleInit(): void {
    this.consumers.register<EnvelopeSummary>({
      groupId: ENVELOPES_GROUP,
      topic: Topics.intakeEnvelopeAccepted.name,
      decode: decodeAcceptedEnvelope,
      apply: (envelope, manager, message) =>
        this.envelopes.registerAccepted(envelope, manager, message.headers[EventHeaders.correlationId]),
    });
  }
}
