import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { decodeEvent, Topics } from '@renkei/contracts';
import { eventIdOf, EventConsumers } from '@renkei/platform';
import { recordOfAccepted, recordOfAvailable, recordOfDownloaded } from './envelope-event.mapper';
import { EnvelopesService } from './envelopes.service';

/** The three envelope topics, each in its own consumer group (libs/contracts/src/topics.ts). */
@Injectable()
export class EnvelopesConsumer implements OnModuleInit {
  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
    @Inject(EnvelopesService) private readonly envelopes: EnvelopesService,
  ) {}

  onModuleInit(): void {
    this.consumers.register({
      groupId: 'delivery.envelopes',
      topic: Topics.intakeEnvelopeAccepted.name,
      decode: (value) => decodeEvent('intakeEnvelopeAccepted', value),
      apply: (event, manager) => this.envelopes.recordEnvelope(manager, recordOfAccepted(event)),
    });
    this.consumers.register({
      groupId: 'delivery.inbox',
      topic: Topics.storageEnvelopeAvailable.name,
      decode: (value) => decodeEvent('storageEnvelopeAvailable', value),
      apply: (event, manager) => this.envelopes.recordEnvelope(manager, recordOfAvailable(event)),
    });
    this.consumers.register({
      groupId: 'delivery.downloads',
      topic: Topics.storageEnvelopeDownloaded.name,
      decode: (value) => decodeEvent('storageEnvelopeDownloaded', value),
      apply: (event, manager, message) =>
        this.envelopes.recordDownload(manager, recordOfDownloaded(event, eventIdOf(message))),
    });
  }
}
