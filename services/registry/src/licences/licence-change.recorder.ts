// Every licence change goes through here: the state machine decides the new state, and the licence row, its
// audit row (who, when, what, why) and its registry.licence.changed.v1 event are written in the caller's
// transaction, so none exists without the others.
import { Inject, Injectable } from '@nestjs/common';
import { Outbox } from '@renkei/platform';
import type { EntityManager } from 'typeorm';
import { LicenceActorRole, LicenceChangeEntity } from './licence-change.entity';
import { licenceChangedEvent } from './licence-changed.event';
import type { LicenceTerm } from './licence-term.util';
import { LicenceEntity, LicenceState } from './licence.entity';
import { LicenceRepository } from './licence.repository';
import { LicenceAction, nextState } from './licence.state-machine';
import { LicencesClock } from './licences.clock';

/** who changes a licence */
export interface LicenceActor {
  /** the principal's id (token subject), or 'registry' for the term job */
  readonly id: string;
  readonly role: LicenceActorRole;
}

export const REGISTRY_ACTOR: LicenceActor = { id: 'registry', role: 'system' };

export interface LicenceChangeInput {
  readonly action: LicenceAction;
  readonly reason: string;
  readonly actor: LicenceActor;
  /** a new term, for approvals and renewals */
  readonly term?: LicenceTerm;
  readonly autoRenew?: boolean;
}

@Injectable()
export class LicenceChangeRecorder {
  constructor(
    @Inject(LicenceRepository) private readonly licences: LicenceRepository,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(LicencesClock) private readonly clock: LicencesClock,
  ) {}

  /**
   * Applies `change` to `licence` (locked by the caller, or just inserted with `from` null) and records it.
   * `from` is the state before, null for the application that opened the licence.
   */
  async record(
    manager: EntityManager,
    licence: LicenceEntity,
    from: LicenceState | null,
    change: LicenceChangeInput,
  ): Promise<LicenceEntity> {
    const to = nextState(from, change.action);
    const now = this.clock.now();
    licence.state = to;
    licence.reason = change.reason;
    if (change.term) {
      licence.termStart = change.term.start;
      licence.termEnd = change.term.end;
    }
    if (change.autoRenew !== undefined) licence.autoRenew = change.autoRenew;
    licence.version += 1;
    licence.updatedAt = now;
    await this.licences.update(manager, licence);
    await this.licences.addChange(
      manager,
      Object.assign(new LicenceChangeEntity(), {
        id: this.clock.uuid(),
        licenceId: licence.licenceId,
        officeNumber: licence.officeNumber,
        version: licence.version,
        fromState: from,
        toState: to,
        action: change.action,
        reason: change.reason,
        actorId: change.actor.id,
        actorRole: change.actor.role,
        termStart: licence.termStart,
        termEnd: licence.termEnd,
        autoRenew: licence.autoRenew,
        changedAt: now,
      } satisfies LicenceChangeEntity),
    );
    const officeName = await this.licences.officeNameOf(manager, licence.officeNumber);
    await this.outbox.add(manager, [licenceChangedEvent(licence, this.clock.uuid(), officeName)]);
    return licence;
  }
}
