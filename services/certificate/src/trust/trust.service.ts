// The trust configuration's business rules: anchors (seeded from TRUST_ANCHORS_PEM, added, retired, profiled)
// and CRLs (uploaded or fetched). Every change runs in one transaction that bumps the version and writes its
// events to the outbox; a refusal writes nothing.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { devCertificateProfile, type CertificateProfileSpec } from '@renkei/envelope';
import { PlatformConfig } from '@renkei/platform';
import { readAnchorCertificate, type AnchorCertificate } from './anchor-certificate.util';
import { issuedBy, parseCrl, verifyCrlSignature, type ParsedCrl } from './crl.util';
import { RevokedCertificateEntity } from './revoked-certificate.entity';
import { TrustAnchorEntity, type TrustAnchorSource } from './trust-anchor.entity';
import { TrustCrlEntity, type TrustCrlSource } from './trust-crl.entity';
import { certificateRevokedEvent, trustChangedEvent } from './trust-events.util';
import { TrustClock } from './trust.clock';
import { TrustError, TrustErrorCode } from './trust.errors';
import { TrustRepository, type TrustSession } from './trust.repository';
import { TrustMetrics } from './trust.metrics';
import { TrustStore } from './trust.store';

export interface NewAnchor {
  readonly certificateDer: Uint8Array;
  readonly profile?: CertificateProfileSpec;
  readonly crlDistributionPoint?: string;
}

export interface RecordedCrl {
  readonly anchorId: string;
  readonly crlNumber: string | null;
  readonly thisUpdate: string;
  readonly nextUpdate: string | null;
  readonly entries: number;
  readonly newlyRevoked: number;
  readonly trustVersion: string;
  /** false when the same CRL was already recorded (nothing changed) */
  readonly changed: boolean;
}

@Injectable()
export class TrustService {
  private readonly logger = new Logger(TrustService.name);

  constructor(
    @Inject(TrustRepository) private readonly repository: TrustRepository,
    @Inject(TrustStore) private readonly store: TrustStore,
    @Inject(TrustMetrics) private readonly metrics: TrustMetrics,
    @Inject(TrustClock) private readonly clock: TrustClock,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
  ) {}

  /**
   * Adds every configured CA certificate not yet known (source config, dev profile with `roles`). Replicas
   * booting at once queue on the trust_state lock, so each certificate is added once. True when it changed.
   */
  async seed(
    certificates: readonly Uint8Array[],
    roles: CertificateProfileSpec['allowedRoles'],
  ): Promise<boolean> {
    const now = this.clock.now();
    const readable: AnchorCertificate[] = [];
    for (const der of certificates) {
      try {
        readable.push(readAnchorCertificate(der, now));
      } catch (error) {
        if (!(error instanceof TrustError)) throw error;
        this.logger.warn(
          { code: error.code },
          `a TRUST_ANCHORS_PEM certificate is not seeded: ${error.message}`,
        );
      }
    }
    if (readable.length === 0) return false;
    const changed = await this.repository.change(async (session) => {
      let added = 0;
      for (const certificate of readable) {
        if (await session.anchorBySha256(certificate.sha256)) continue;
        await session.saveAnchor(
          this.anchorEntity(certificate, devCertificateProfile(roles), 'config', null, now),
        );
        added++;
      }
      if (added > 0) await this.commit(session, now, []);
      return added > 0;
    });
    if (changed) await this.changed();
    return changed;
  }

  async addAnchor(input: NewAnchor): Promise<TrustAnchorEntity> {
    const now = this.clock.now();
    const certificate = readAnchorCertificate(input.certificateDer, now);
    const anchor = this.anchorEntity(
      certificate,
      input.profile ?? devCertificateProfile(['office']),
      'operator',
      input.crlDistributionPoint ?? certificate.crlDistributionPoint,
      now,
    );
    await this.repository.change(async (session) => {
      const existing = await session.anchorBySha256(certificate.sha256);
      if (existing) {
        throw new TrustError(
          TrustErrorCode.TRUST_ANCHOR_DUPLICATE,
          `this certificate is already trust anchor ${existing.id} (${existing.status})`,
        );
      }
      await session.saveAnchor(anchor);
      await this.commit(session, now, []);
    });
    await this.changed();
    return anchor;
  }

  async retireAnchor(anchorId: string, reason: string): Promise<TrustAnchorEntity> {
    const now = this.clock.now();
    const anchor = await this.repository.change(async (session) => {
      const found = await this.activeAnchor(session, anchorId);
      const others = (await session.anchors()).filter((a) => a.status === 'active' && a.id !== anchorId);
      if (others.length === 0) {
        throw new TrustError(
          TrustErrorCode.TRUST_ANCHOR_LAST_ACTIVE,
          'the last active trust anchor cannot be retired: add its successor first',
        );
      }
      found.status = 'retired';
      found.retiredAt = now;
      found.retireReason = reason;
      await session.saveAnchor(found);
      await this.commit(session, now, []);
      return found;
    });
    await this.changed();
    return anchor;
  }

  async setProfile(anchorId: string, profile: CertificateProfileSpec): Promise<TrustAnchorEntity> {
    const now = this.clock.now();
    const anchor = await this.repository.change(async (session) => {
      const found = await this.activeAnchor(session, anchorId);
      found.profile = profile;
      await session.saveAnchor(found);
      await this.commit(session, now, []);
      return found;
    });
    await this.changed();
    return anchor;
  }

  /**
   * Records a CRL of an active anchor (found by issuer name, proven by its signature) that is newer than the
   * recorded one, and the certificates it newly lists. The same CRL again changes nothing.
   */
  async recordCrl(der: Uint8Array, source: TrustCrlSource): Promise<RecordedCrl> {
    const crl = parseCrl(der);
    const now = this.clock.now();
    const skewMs = this.config.auth.clockSkewSeconds * 1000;
    if (crl.thisUpdate.getTime() > now.getTime() + skewMs) {
      throw new TrustError(
        TrustErrorCode.CRL_NOT_YET_VALID,
        `the CRL thisUpdate ${crl.thisUpdate.toISOString()} is in the future`,
      );
    }
    const recorded = await this.repository.change(async (session) => {
      const anchor = issuerOf(crl, await session.anchors());
      const previous = await session.crlOf(anchor.id);
      if (previous?.sha256 === crl.sha256) return recordedCrl(anchor.id, crl, 0, session.version, false);
      if (previous) assertNewer(crl, previous);
      const version = session.version + 1n;
      await session.saveCrl(this.crlEntity(anchor.id, crl, source, now));
      const fresh = await session.insertRevocations(
        uniqueEntries(crl).map((entry) => {
          const revoked = new RevokedCertificateEntity();
          revoked.issuerNameSha256 = crl.issuerNameSha256;
          revoked.serialNumber = entry.serialNumber;
          revoked.revokedAt = entry.revokedAt;
          revoked.reason = entry.reason;
          revoked.anchorId = anchor.id;
          revoked.recordedAt = now;
          revoked.trustVersion = version.toString();
          return revoked;
        }),
      );
      await this.commit(session, now, fresh);
      return recordedCrl(anchor.id, crl, fresh.length, version, true);
    });
    if (recorded.changed) {
      await this.changed();
      this.logger.log(
        {
          anchorId: recorded.anchorId,
          crlNumber: recorded.crlNumber,
          newlyRevoked: recorded.newlyRevoked,
          source,
        },
        'CRL recorded',
      );
    }
    return recorded;
  }

  /** sets the expiry and freshness gauges from the database (periodically, and after each change) */
  async observe(): Promise<void> {
    try {
      const version = await this.repository.version();
      const anchors = await this.repository.anchors();
      this.metrics.observe(version, anchors, await this.repository.crls(), this.clock.now());
    } catch (error) {
      this.logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'trust metrics not updated',
      );
    }
  }

  /** after a committed change: this replica's snapshot and gauges catch up */
  private async changed(): Promise<void> {
    this.store.invalidate();
    await this.observe();
  }

  /** bumps the version and writes TrustChanged (whole configuration) + one CertificateRevoked per new entry */
  private async commit(
    session: TrustSession,
    now: Date,
    revoked: readonly RevokedCertificateEntity[],
  ): Promise<void> {
    const version = session.version + 1n;
    await session.setVersion(version);
    const anchors = await session.anchors();
    const crls = await session.crls();
    await session.addEvents([
      trustChangedEvent(version, anchors, crls, this.clock.uuid(), now),
      ...revoked.map((entry) => certificateRevokedEvent(entry, this.clock.uuid())),
    ]);
  }

  private async activeAnchor(session: TrustSession, anchorId: string): Promise<TrustAnchorEntity> {
    const found = await session.anchorById(anchorId);
    if (!found) throw new TrustError(TrustErrorCode.TRUST_ANCHOR_NOT_FOUND, `no trust anchor ${anchorId}`);
    if (found.status === 'retired') {
      throw new TrustError(TrustErrorCode.TRUST_ANCHOR_RETIRED, `trust anchor ${anchorId} is retired`);
    }
    return found;
  }

  private anchorEntity(
    certificate: AnchorCertificate,
    profile: CertificateProfileSpec,
    source: TrustAnchorSource,
    crlDistributionPoint: string | null,
    now: Date,
  ): TrustAnchorEntity {
    const anchor = new TrustAnchorEntity();
    anchor.id = this.clock.uuid();
    anchor.certificateDer = Buffer.from(certificate.der);
    anchor.certificateSha256 = certificate.sha256;
    anchor.subject = certificate.subject;
    anchor.notBefore = certificate.notBefore;
    anchor.notAfter = certificate.notAfter;
    anchor.status = 'active';
    anchor.profile = profile;
    anchor.source = source;
    anchor.addedAt = now;
    anchor.retiredAt = null;
    anchor.retireReason = null;
    anchor.crlDistributionPoint = crlDistributionPoint;
    return anchor;
  }

  private crlEntity(anchorId: string, crl: ParsedCrl, source: TrustCrlSource, now: Date): TrustCrlEntity {
    const entity = new TrustCrlEntity();
    entity.anchorId = anchorId;
    entity.crlNumber = crl.crlNumber === null ? null : crl.crlNumber.toString();
    entity.thisUpdate = crl.thisUpdate;
    entity.nextUpdate = crl.nextUpdate;
    entity.der = Buffer.from(crl.der);
    entity.sha256 = crl.sha256;
    entity.recordedAt = now;
    entity.source = source;
    return entity;
  }
}

/** the active anchor that issued and signed `crl` */
function issuerOf(crl: ParsedCrl, anchors: readonly TrustAnchorEntity[]): TrustAnchorEntity {
  const named = anchors.filter(
    (anchor) => anchor.status === 'active' && issuedBy(crl, anchor.certificateDer),
  );
  if (named.length === 0) {
    throw new TrustError(
      TrustErrorCode.CRL_ISSUER_UNKNOWN,
      'no active trust anchor is the issuer of this CRL',
    );
  }
  const signer = named.find((anchor) => verifyCrlSignature(crl, anchor.certificateDer));
  if (!signer) {
    throw new TrustError(
      TrustErrorCode.CRL_SIGNATURE_INVALID,
      'the CRL signature does not verify with the key of any active trust anchor of that name',
    );
  }
  return signer;
}

/** a different CRL than the recorded one must be strictly newer: higher cRLNumber (or later thisUpdate) */
function assertNewer(crl: ParsedCrl, previous: TrustCrlEntity): void {
  const outdated = (why: string) =>
    new TrustError(TrustErrorCode.CRL_OUTDATED, `the CRL is not newer than the recorded one: ${why}`, {
      recordedCrlNumber: previous.crlNumber,
      recordedThisUpdate: previous.thisUpdate.toISOString(),
    });
  if (crl.crlNumber !== null && previous.crlNumber !== null) {
    if (crl.crlNumber <= BigInt(previous.crlNumber)) {
      throw outdated(`cRLNumber ${crl.crlNumber} ≤ ${previous.crlNumber}`);
    }
    return;
  }
  if (crl.thisUpdate.getTime() <= previous.thisUpdate.getTime()) {
    throw outdated(`thisUpdate ${crl.thisUpdate.toISOString()} is not after the recorded one`);
  }
}

function recordedCrl(
  anchorId: string,
  crl: ParsedCrl,
  newlyRevoked: number,
  version: bigint,
  changed: boolean,
): RecordedCrl {
  return {
    anchorId,
    crlNumber: crl.crlNumber === null ? null : crl.crlNumber.toString(),
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate?.toISOString() ?? null,
    entries: crl.entries.length,
    newlyRevoked,
    trustVersion: version.toString(),
    changed,
  };
}

/** the CRL's entries, each serial once (the first listing wins) */
function uniqueEntries(crl: ParsedCrl): ParsedCrl['entries'] {
  const seen = new Set<string>();
  return crl.entries.filter((entry) => {
    if (seen.has(entry.serialNumber)) return false;
    seen.add(entry.serialNumber);
    return true;
  });
}
