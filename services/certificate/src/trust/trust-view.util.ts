// What the operator API and the public snapshot answer about anchors and their CRLs.
import type { CertificateProfileSpec } from '@renkei/envelope';
import { X509Certificate } from 'node:crypto';
import type { TrustAnchorEntity, TrustAnchorSource, TrustAnchorStatus } from './trust-anchor.entity';
import type { TrustCrlEntity, TrustCrlSource } from './trust-crl.entity';

export const EXPIRY_WARNING_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

export type TrustWarning = 'ANCHOR_EXPIRING' | 'CRL_STALE';

export interface CrlStatusView {
  readonly crlNumber: string | null;
  readonly thisUpdate: string;
  readonly nextUpdate: string | null;
  readonly recordedAt: string;
  readonly source: TrustCrlSource;
  /** past its nextUpdate */
  readonly stale: boolean;
  readonly ageSeconds: number;
}

export interface AnchorView {
  readonly anchorId: string;
  readonly subject: string;
  readonly certificateSha256: string;
  readonly status: TrustAnchorStatus;
  readonly source: TrustAnchorSource;
  readonly profile: CertificateProfileSpec;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly daysToExpiry: number;
  /** notAfter within EXPIRY_WARNING_DAYS */
  readonly expiringSoon: boolean;
  readonly addedAt: string;
  readonly retiredAt: string | null;
  readonly retireReason: string | null;
  readonly crlDistributionPoint: string | null;
  readonly crl: CrlStatusView | null;
  /** ANCHOR_EXPIRING, CRL_STALE (active anchors only) */
  readonly warnings: TrustWarning[];
}

export interface SnapshotAnchorView {
  readonly anchorId: string;
  readonly certificatePem: string;
  readonly certificateSha256: string;
  readonly profile: CertificateProfileSpec;
  readonly crl: CrlStatusView | null;
}

function crlStatusView(crl: TrustCrlEntity, now: Date): CrlStatusView {
  return {
    crlNumber: crl.crlNumber,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate?.toISOString() ?? null,
    recordedAt: crl.recordedAt.toISOString(),
    source: crl.source,
    stale: crl.nextUpdate !== null && crl.nextUpdate.getTime() < now.getTime(),
    ageSeconds: Math.round((now.getTime() - crl.thisUpdate.getTime()) / 1000),
  };
}

export function anchorView(
  anchor: TrustAnchorEntity,
  crl: TrustCrlEntity | undefined,
  now: Date,
): AnchorView {
  const daysToExpiry = Math.floor((anchor.notAfter.getTime() - now.getTime()) / DAY_MS);
  const crlStatus = crl ? crlStatusView(crl, now) : null;
  const active = anchor.status === 'active';
  const warnings: TrustWarning[] = [];
  if (active && daysToExpiry < EXPIRY_WARNING_DAYS) warnings.push('ANCHOR_EXPIRING');
  if (active && crlStatus?.stale) warnings.push('CRL_STALE');
  return {
    anchorId: anchor.id,
    subject: anchor.subject,
    certificateSha256: anchor.certificateSha256,
    status: anchor.status,
    source: anchor.source,
    profile: anchor.profile,
    notBefore: anchor.notBefore.toISOString(),
    notAfter: anchor.notAfter.toISOString(),
    daysToExpiry,
    expiringSoon: daysToExpiry < EXPIRY_WARNING_DAYS,
    addedAt: anchor.addedAt.toISOString(),
    retiredAt: anchor.retiredAt?.toISOString() ?? null,
    retireReason: anchor.retireReason,
    crlDistributionPoint: anchor.crlDistributionPoint,
    crl: crlStatus,
    warnings,
  };
}

export function snapshotAnchorView(
  anchor: TrustAnchorEntity,
  crl: TrustCrlEntity | undefined,
  now: Date,
): SnapshotAnchorView {
  return {
    anchorId: anchor.id,
    certificatePem: new X509Certificate(anchor.certificateDer).toString(),
    certificateSha256: anchor.certificateSha256,
    profile: anchor.profile,
    crl: crl ? crlStatusView(crl, now) : null,
  };
}
