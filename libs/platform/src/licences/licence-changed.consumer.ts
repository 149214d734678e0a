// registry.licence.changed.v1 → <schema>.known_licence: the licences as a service's checks see them. Thin: decode
// and validate (licenceSnapshotOf of @renkei/contracts), then one upsert in the inbox transaction (a redelivered
// event is a no-op there). A service provides it with provideLicenceReadModel('<service>.licences').
import { Inject, Injectable, Logger, OnModuleInit, type Provider } from '@nestjs/common';
import { decodeEvent, licenceSnapshotOf, Topics, type LicenceChanged } from '@renkei/contracts';
import type { EntityManager } from 'typeorm';
import { EventConsumers } from '../service/event-consumers';
import { KnownLicenceEntity } from './known-licence.entity';
import { KnownLicenceRepository } from './known-licence.repository';

/** the consumer group of a service's licence read model (never renamed: libs/contracts topics.ts) */
export const LICENCES_CONSUMER_GROUP = Symbol('LICENCES_CONSUMER_GROUP');

/** The read-model row a LicenceChanged event describes; throws on an event that breaks the contract. */
export function knownLicenceOf(event: LicenceChanged): KnownLicenceEntity {
  const snapshot = licenceSnapshotOf(event);
  const licence = new KnownLicenceEntity();
  licence.officeNumber = snapshot.officeNumber;
  licence.licenceId = snapshot.licenceId;
  licence.state = snapshot.state;
  licence.termEnd = snapshot.termEnd;
  licence.autoRenew = snapshot.autoRenew;
  licence.version = snapshot.version;
  licence.changedAt = snapshot.changedAt;
  return licence;
}

@Injectable()
export class LicenceChangedConsumer implements OnModuleInit {
  private readonly logger = new Logger(LicenceChangedConsumer.name);

  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
    @Inject(KnownLicenceRepository) private readonly licences: KnownLicenceRepository,
    @Inject(LICENCES_CONSUMER_GROUP) private readonly groupId: string,
  ) {}

  onModuleInit(): void {
    this.consumers.register<KnownLicenceEntity>({
      groupId: this.groupId,
      topic: Topics.registryLicenceChanged.name,
      // an event that breaks the contract goes to the DLQ as undecodable
      decode: (value) => knownLicenceOf(decodeEvent('registryLicenceChanged', value)),
      apply: (licence, manager) => this.apply(licence, manager),
    });
  }

  private async apply(licence: KnownLicenceEntity, manager: EntityManager): Promise<void> {
    await this.licences.upsert(manager, licence);
    this.logger.debug(
      { officeNumber: licence.officeNumber, version: licence.version, state: licence.state },
      'licence recorded',
    );
  }
}

/** the read model's providers for a module that imports the service's runtime; export KnownLicenceRepository */
export function provideLicenceReadModel(groupId: string): Provider[] {
  return [
    KnownLicenceRepository,
    LicenceChangedConsumer,
    { provide: LICENCES_CONSUMER_GROUP, useValue: groupId },
  ];
}
