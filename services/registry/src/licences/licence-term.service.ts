// The end of a licence term (docs/licences.md): an auto-renewing live licence gets the next term (as many as
// were missed while no pass ran, one audited change each); one that does not renew expires. Safe on every
// replica at once: the pass holds a transaction-scoped advisory lock.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LicenceChangeRecorder, REGISTRY_ACTOR } from './licence-change.recorder';
import { termAfter } from './licence-term.util';
import { LicenceState } from './licence.entity';
import { LicenceMetrics } from './licence.metrics';
import { LicenceRepository } from './licence.repository';
import { LicenceAction } from './licence.state-machine';
import { LicencesClock } from './licences.clock';

/** licences handled per transaction; a pass loops until none is due */
const BATCH = 200;

export interface LicenceTermPass {
  /** false when another replica's pass held the lock: this one stopped there */
  readonly locked: boolean;
  /** office numbers renewed (once per new term) and expired */
  readonly renewed: readonly string[];
  readonly expired: readonly string[];
}

@Injectable()
export class LicenceTermService {
  private readonly logger = new Logger(LicenceTermService.name);

  constructor(
    @Inject(LicenceRepository) private readonly licences: LicenceRepository,
    @Inject(LicenceChangeRecorder) private readonly recorder: LicenceChangeRecorder,
    @Inject(LicencesClock) private readonly clock: LicencesClock,
    @Inject(LicenceMetrics) private readonly metrics: LicenceMetrics,
  ) {}

  async runOnce(): Promise<LicenceTermPass> {
    const renewed: string[] = [];
    const expired: string[] = [];
    let locked = true;
    for (;;) {
      const batch = await this.licences.transaction(async (manager) =>
        (await this.licences.tryLockTermJob(manager)) ? this.endTerms(manager) : undefined,
      );
      if (!batch) {
        locked = false;
        break;
      }
      renewed.push(...batch.renewed);
      expired.push(...batch.expired);
      if (batch.due < BATCH) break;
    }
    if (renewed.length + expired.length > 0) {
      this.logger.log({ renewed: renewed.length, expired: expired.length }, 'licence terms ended');
    }
    // every replica refreshes the gauge (aggregate with max, not sum)
    this.metrics.setCounts(await this.licences.countByStateAndPrefecture());
    return { locked, renewed, expired };
  }

  /** one batch of licences whose term ended, inside the locked transaction */
  private async endTerms(
    manager: EntityManager,
  ): Promise<{ due: number; renewed: string[]; expired: string[] }> {
    const now = this.clock.now();
    const due = await this.licences.lockTermsEnded(manager, now, BATCH);
    const renewed: string[] = [];
    const expired: string[] = [];
    for (const licence of due) {
      if (!licence.autoRenew) {
        await this.recorder.record(manager, licence, licence.state, {
          action: LicenceAction.EXPIRE,
          reason: 'term ended without auto-renewal',
          actor: REGISTRY_ACTOR,
        });
        expired.push(licence.officeNumber);
        continue;
      }
      // one audited renewal per term that ended, however many passes were missed
      while (licence.termEnd && licence.termEnd.getTime() <= now.getTime()) {
        await this.recorder.record(manager, licence, LicenceState.ACTIVE, {
          action: LicenceAction.RENEW,
          reason: 'auto-renewed at term end',
          actor: REGISTRY_ACTOR,
          term: termAfter(licence.termEnd),
        });
        renewed.push(licence.officeNumber);
      }
    }
    return { due: due.length, renewed, expired };
  }
}
