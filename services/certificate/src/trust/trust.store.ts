// The current trust snapshot of this replica, for token issuance: reloaded from the database when
// trust_state.version moved (checked at most once a second, and right after a local change), so a change made
// through another replica is seen within about a second. Revocations load incrementally into one live set.
import { Inject, Injectable } from '@nestjs/common';
import { RevocationSet, TrustPolicy, type TrustSnapshot } from '@renkei/envelope';
import { TrustClock } from './trust.clock';
import { TrustRepository } from './trust.repository';

export const TRUST_RECHECK_MS = 1000;

@Injectable()
export class TrustStore {
  private policy: TrustPolicy | undefined;
  private loadedVersion = -1n;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<TrustPolicy> | undefined;
  private readonly revocations = new RevocationSet();

  constructor(
    @Inject(TrustRepository) private readonly repository: TrustRepository,
    @Inject(TrustClock) private readonly clock: TrustClock,
  ) {}

  /** the policy of the current snapshot (at most TRUST_RECHECK_MS old, or reloaded) */
  async current(): Promise<TrustPolicy> {
    if (this.policy && this.clock.now().getTime() - this.checkedAt < TRUST_RECHECK_MS) return this.policy;
    this.loading ??= this.refresh().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** the next `current()` checks the version again (after a change committed by this replica) */
  invalidate(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  private async refresh(): Promise<TrustPolicy> {
    const checkedAt = this.clock.now().getTime();
    const version = await this.repository.version();
    if (this.policy && version === this.loadedVersion) {
      this.checkedAt = checkedAt;
      return this.policy;
    }
    // rows of versions after `version` may come along too: the set is idempotent and only grows
    const added = await this.repository.revocationsAfter(this.loadedVersion < 0n ? 0n : this.loadedVersion);
    for (const entry of added) this.revocations.add(entry.issuerNameSha256, entry.serialNumber);
    const anchors = await this.repository.anchors();
    const snapshot: TrustSnapshot = {
      version: Number(version),
      anchors: anchors.map((anchor) => ({
        anchorId: anchor.id,
        certificateDer: new Uint8Array(anchor.certificateDer),
        profile: anchor.profile,
        active: anchor.status === 'active',
      })),
      revocations: this.revocations,
    };
    this.policy = new TrustPolicy(snapshot);
    this.loadedVersion = version;
    this.checkedAt = checkedAt;
    return this.policy;
  }
}
