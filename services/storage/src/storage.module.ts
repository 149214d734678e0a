import { Module } from '@nestjs/common';
import { EnvelopesModule } from './envelopes/envelopes.module';
import { storageRuntime } from './storage.runtime';

// Retention, purge and integrity scrubbing come with their issues; for now storage registers accepted envelopes
// and serves them to their two parties (docs/exchange.md, Download).
@Module({
  imports: [storageRuntime, EnvelopesModule],
})
export class StorageModule {}
