// Reads of the trust configuration: the operator's anchor list, the public snapshot, one revocation.
import { Inject, Injectable } from '@nestjs/common';
import { canonicalSerial } from '@renkei/envelope';
import type { TrustAnchorEntity } from './trust-anchor.entity';
import type { TrustCrlEntity } from './trust-crl.entity';
import { TrustClock } from './trust.clock';
import { TrustError, TrustErrorCode } from './trust.errors';
import { TrustRepository } from './trust.repository';
import { anchorView, snapshotAnchorView, type AnchorView, type SnapshotAnchorView } from './trust-view.util';

export interface TrustSnapshotView {
  readonly version: string;
  readonly anchors: SnapshotAnchorView[];
}

export interface RevocationView {
  readonly issuerNameSha256: string;
  readonly serialNumber: string;
  readonly revoked: boolean;
  readonly revokedAt?: string;
  readonly reason?: number;
  readonly anchorId?: string;
  readonly trustVersion?: string;
}

@Injectable()
export class TrustQueriesService {
  constructor(
    @Inject(TrustRepository) private readonly repository: TrustRepository,
    @Inject(TrustClock) private readonly clock: TrustClock,
  ) {}

  async anchors(): Promise<{ version: string; anchors: AnchorView[] }> {
    const { now, version, anchors, crlOf } = await this.load();
    return {
      version: version.toString(),
      anchors: anchors.map((anchor) => anchorView(anchor, crlOf.get(anchor.id), now)),
    };
  }

  /** one anchor as the anchor list shows it (after a change: what the operator changed) */
  async anchor(anchorId: string): Promise<AnchorView> {
    const { anchors } = await this.anchors();
    const found = anchors.find((anchor) => anchor.anchorId === anchorId);
    if (!found) throw new TrustError(TrustErrorCode.TRUST_ANCHOR_NOT_FOUND, `no trust anchor ${anchorId}`);
    return found;
  }

  async snapshot(): Promise<TrustSnapshotView> {
    const { now, version, anchors, crlOf } = await this.load();
    return {
      version: version.toString(),
      anchors: anchors
        .filter((anchor) => anchor.status === 'active')
        .map((anchor) => snapshotAnchorView(anchor, crlOf.get(anchor.id), now)),
    };
  }

  async revocation(issuerNameSha256: unknown, serialNumber: unknown): Promise<RevocationView> {
    if (typeof issuerNameSha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(issuerNameSha256)) {
      throw new TrustError(TrustErrorCode.REQUEST_INVALID, 'issuerNameSha256 must be 64 hex digits', [
        { field: 'issuerNameSha256', problem: 'must be 64 hex digits' },
      ]);
    }
    if (typeof serialNumber !== 'string' || !/^[0-9a-fA-F]{1,64}$/.test(serialNumber)) {
      throw new TrustError(TrustErrorCode.REQUEST_INVALID, 'serialNumber must be 1–64 hex digits', [
        { field: 'serialNumber', problem: 'must be 1–64 hex digits' },
      ]);
    }
    const issuer = issuerNameSha256.toLowerCase();
    const serial = canonicalSerial(serialNumber);
    const found = await this.repository.revocation(issuer, serial);
    if (!found) return { issuerNameSha256: issuer, serialNumber: serial, revoked: false };
    return {
      issuerNameSha256: issuer,
      serialNumber: serial,
      revoked: true,
      revokedAt: found.revokedAt.toISOString(),
      reason: found.reason,
      anchorId: found.anchorId,
      trustVersion: found.trustVersion,
    };
  }

  /** the version, every anchor and each anchor's latest CRL, as of now */
  private async load(): Promise<{
    now: Date;
    version: bigint;
    anchors: TrustAnchorEntity[];
    crlOf: Map<string, TrustCrlEntity>;
  }> {
    const now = this.clock.now();
    const version = await this.repository.version();
    const anchors = await this.repository.anchors();
    const crls = await this.repository.crls();
    return { now, version, anchors, crlOf: new Map(crls.map((crl) => [crl.anchorId, crl])) };
  }
}
