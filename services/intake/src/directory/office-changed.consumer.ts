// registry.office.changed.v1 → intake.known_office: the directory as the send checks see it. Thin: decode and
// validate, then one upsert in the inbox transaction (a redelivered event is a no-op there).
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { decodeEvent, OfficeStatus, Topics, type OfficeChanged } from '@renkei/contracts';
import { EventConsumers } from '@renkei/platform';
import type { EntityManager } from 'typeorm';
import { KnownOfficeEntity, KnownOfficeStatus } from './known-office.entity';
import { KnownOfficeRepository } from './known-office.repository';

/** consumer group of the directory read model; never renamed (libs/contracts topics.ts) */
export const OFFICES_CONSUMER_GROUP = 'intake.offices';

const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const SERVICE_TYPE = /^[0-9A-Z]{2}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

const STATUS_OF: Partial<Record<OfficeStatus, KnownOfficeStatus>> = {
  [OfficeStatus.ACTIVE]: KnownOfficeStatus.Active,
  [OfficeStatus.WITHDRAWN]: KnownOfficeStatus.Withdrawn,
};

/** The read-model row an OfficeChanged event describes; throws on an event that breaks the contract. */
export function knownOfficeOf(event: OfficeChanged): KnownOfficeEntity {
  const status = STATUS_OF[event.status];
  if (!OFFICE_NUMBER.test(event.officeNumber)) throw new Error('office_number is not 10 × [0-9A-Z]');
  if (!event.serviceTypes.every((code) => SERVICE_TYPE.test(code)))
    throw new Error('a service type is not 2 × [0-9A-Z]');
  if (!status) throw new Error(`status ${event.status} is not ACTIVE or WITHDRAWN`);
  if (!SHA256_HEX.test(event.certificateSha256)) throw new Error('certificate_sha256 is not hex SHA-256');
  if (!event.changedAt) throw new Error('changed_at is missing');
  const office = new KnownOfficeEntity();
  office.officeNumber = event.officeNumber;
  office.serviceTypes = [...event.serviceTypes];
  office.status = status;
  office.certificateSha256 = event.certificateSha256;
  office.version = event.version.toString();
  office.changedAt = timestampDate(event.changedAt);
  return office;
}

@Injectable()
export class OfficeChangedConsumer implements OnModuleInit {
  private readonly logger = new Logger(OfficeChangedConsumer.name);

  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
    @Inject(KnownOfficeRepository) private readonly offices: KnownOfficeRepository,
  ) {}

  onModuleInit(): void {
    this.consumers.register<KnownOfficeEntity>({
      groupId: OFFICES_CONSUMER_GROUP,
      topic: Topics.registryOfficeChanged.name,
      // an event that breaks the contract goes to the DLQ as undecodable
      decode: (value) => knownOfficeOf(decodeEvent('registryOfficeChanged', value)),
      apply: (office, manager) => this.apply(office, manager),
    });
  }

  private async apply(office: KnownOfficeEntity, manager: EntityManager): Promise<void> {
    await this.offices.upsert(manager, office);
    this.logger.debug(
      { officeNumber: office.officeNumber, version: office.version, status: office.status },
      'directory office recorded',
    );
  }
}
