import { Module } from '@nestjs/common';
import { storageRuntime } from '../storage.runtime';
import { EnvelopeDownloadRepository } from './envelope-download.repository';
import { EnvelopesConsumer } from './envelopes.consumer';
import { EnvelopesController } from './envelopes.controller';
import { EnvelopesService } from './envelopes.service';
import { StorageClock } from './storage.clock';
import { StoredEnvelopeRepository } from './stored-envelope.repository';

/** Accepted envelopes registered and served to their parties (docs/exchange.md, Download). */
@Module({
  imports: [storageRuntime],
  controllers: [EnvelopesController],
  providers: [
    StorageClock,
    StoredEnvelopeRepository,
    EnvelopeDownloadRepository,
    EnvelopesService,
    EnvelopesConsumer,
  ],
})
export class EnvelopesModule {}
