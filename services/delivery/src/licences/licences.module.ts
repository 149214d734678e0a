import { Module } from '@nestjs/common';
import { provideLicenceReadModel } from '@renkei/platform';
import { deliveryRuntime } from '../delivery.runtime';
import { LicenceGate } from './licence.gate';
import { LicencesClock } from './licences.clock';

/**
 * Delivery's read model of the licences (registry.licence.changed.v1) and the gate the inbox, sent, status and
 * receipt routes pass (import this module, inject LicenceGate).
 */
@Module({
  imports: [deliveryRuntime],
  providers: [...provideLicenceReadModel('delivery.licences'), LicencesClock, LicenceGate],
  exports: [LicenceGate],
})
export class LicencesModule {}
