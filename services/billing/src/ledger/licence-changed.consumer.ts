// registry.licence.changed.v1 → billing.licence (the read model) and, for an active licence whose term has no
// fee yet, the term's fee, priced from the fee schedule and campaigns as they stand now. Both in the inbox
// transaction: a redelivered event is a no-op there, and a second event of the same term finds its fee.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { decodeEvent, LicenceState, Topics, type LicenceChanged } from '@renkei/contracts';
import { EventConsumers, PermanentMessageError } from '@renkei/platform';
import type { EntityManager } from 'typeorm';
import { BillingLicenceEntity } from './billing-licence.entity';
import { BillingClock } from './billing.clock';
import { BILLING_SYSTEM_ACTOR, BillingLedger } from './billing.ledger';
import { BillingRepository } from './billing.repository';
import { prefectureOf, priceTerm } from './billing-rules.util';
import { feeView } from './billing.views';
import { FeeEntity } from './fee.entity';

/** consumer group of billing's licence read model; never renamed (libs/contracts topics.ts) */
export const LICENCES_CONSUMER_GROUP = 'billing.licences';

const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATE_OF: Partial<Record<LicenceState, string>> = {
  [LicenceState.PENDING]: 'pending',
  [LicenceState.ACTIVE]: 'active',
  [LicenceState.SUSPENDED]: 'suspended',
  [LicenceState.EXPIRED]: 'expired',
  [LicenceState.CANCELLED]: 'cancelled',
};

/** The read-model row a LicenceChanged event describes; throws on an event that breaks the contract. */
export function billingLicenceOf(event: LicenceChanged): BillingLicenceEntity {
  const state = STATE_OF[event.state];
  if (!OFFICE_NUMBER.test(event.officeNumber)) throw new Error('office_number is not 10 × [0-9A-Z]');
  if (!UUID.test(event.licenceId)) throw new Error('licence_id is not a uuid');
  if (!state) throw new Error(`state ${event.state} is not a licence state`);
  if (!event.changedAt) throw new Error('changed_at is missing');
  if (event.version < 1n || event.version > BigInt(2 ** 31 - 1)) throw new Error('version is out of range');
  if (state === 'active' && (!event.termStart || !event.termEnd))
    throw new Error('an active licence has no term');
  const licence = new BillingLicenceEntity();
  licence.officeNumber = event.officeNumber;
  licence.licenceId = event.licenceId.toLowerCase();
  licence.prefecture = prefectureOf(event.officeNumber);
  licence.state = state;
  licence.termStart = event.termStart ? timestampDate(event.termStart) : null;
  licence.termEnd = event.termEnd ? timestampDate(event.termEnd) : null;
  licence.officeName = event.officeName.trim() || null;
  licence.version = Number(event.version);
  licence.changedAt = timestampDate(event.changedAt);
  return licence;
}

@Injectable()
export class LicenceChangedConsumer implements OnModuleInit {
  private readonly logger = new Logger(LicenceChangedConsumer.name);

  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
    @Inject(BillingRepository) private readonly repository: BillingRepository,
    @Inject(BillingLedger) private readonly ledger: BillingLedger,
    @Inject(BillingClock) private readonly clock: BillingClock,
  ) {}

  onModuleInit(): void {
    this.consumers.register<BillingLicenceEntity>({
      groupId: LICENCES_CONSUMER_GROUP,
      topic: Topics.registryLicenceChanged.name,
      // an event that breaks the contract goes to the DLQ as undecodable
      decode: (value) => billingLicenceOf(decodeEvent('registryLicenceChanged', value)),
      apply: (licence, manager) => this.apply(licence, manager),
    });
  }

  private async apply(licence: BillingLicenceEntity, manager: EntityManager): Promise<void> {
    const now = this.clock.now();
    licence.updatedAt = now;
    if (!(await this.repository.upsertLicence(manager, licence))) {
      this.logger.debug(
        { officeNumber: licence.officeNumber, version: licence.version },
        'older licence event ignored',
      );
      return;
    }
    if (licence.state !== 'active' || !licence.termStart || !licence.termEnd) return;
    await this.createFee(manager, licence, licence.termStart, licence.termEnd, now);
  }

  /** the term's fee unless it has one (a reinstatement, an auto-renew change, a redelivery create nothing) */
  private async createFee(
    manager: EntityManager,
    licence: BillingLicenceEntity,
    termStart: Date,
    termEnd: Date,
    now: Date,
  ): Promise<void> {
    const price = priceTerm(
      termStart,
      await this.repository.feeSchedule(manager),
      await this.repository.campaigns(manager),
    );
    if (!price) {
      // no schedule entry covers the term: nothing can price it until an operator fixes the schedule
      throw new PermanentMessageError(
        'unpriceable',
        `no fee schedule entry covers a term starting ${termStart.toISOString()}`,
      );
    }
    const fee = Object.assign(new FeeEntity(), {
      id: this.clock.uuid(),
      licenceId: licence.licenceId,
      officeNumber: licence.officeNumber,
      prefecture: licence.prefecture,
      termStart,
      termEnd,
      listAmountYen: price.listAmountYen,
      amountYen: price.amountYen,
      feeScheduleId: price.feeScheduleId,
      campaignId: price.campaignId,
      paymentMonth: price.paymentMonth,
      state: price.waived ? 'waived' : 'due',
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    } satisfies FeeEntity);
    if (!(await this.repository.insertFeeIfAbsent(manager, fee))) return;
    await this.repository.addAudit(manager, [
      this.ledger.auditRow(BILLING_SYSTEM_ACTOR, {
        action: price.waived ? 'create-fee-waived' : 'create-fee',
        entity: 'fee',
        entityId: fee.id,
        reason: `licence ${licence.licenceId} version ${licence.version} active`,
        after: feeView(fee),
      }),
    ]);
    this.logger.debug(
      { officeNumber: fee.officeNumber, paymentMonth: fee.paymentMonth, state: fee.state },
      'licence term fee created',
    );
  }
}
