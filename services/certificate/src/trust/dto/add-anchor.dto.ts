import type { CertificateProfileSpec } from '@renkei/envelope';
import { X509Certificate } from 'node:crypto';
import { checkDistributionPoint } from '../anchor-certificate.util';
import { TrustError, TrustErrorCode } from '../trust.errors';
import type { NewAnchor } from '../trust.service';
import { parseProfile } from '../trust-profile.util';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** `{ certificatePem, profile?, crlDistributionPoint? }`: one PEM certificate, a valid profile, an http(s) URL */
export function parseAddAnchorDto(body: unknown): NewAnchor {
  const input = objectBody(body);
  const pem = input['certificatePem'];
  if (typeof pem !== 'string') throw invalid('certificatePem', 'must be a PEM certificate');
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length !== 1) throw invalid('certificatePem', 'must hold exactly one PEM certificate');
  let certificateDer: Uint8Array;
  try {
    certificateDer = new Uint8Array(new X509Certificate(blocks[0]).raw);
  } catch {
    throw new TrustError(
      TrustErrorCode.TRUST_ANCHOR_INVALID,
      'certificatePem is not a readable X.509 certificate',
    );
  }
  const point = input['crlDistributionPoint'];
  if (point !== undefined && point !== null && typeof point !== 'string') {
    throw invalid('crlDistributionPoint', 'must be an http or https URL');
  }
  return {
    certificateDer,
    ...(input['profile'] !== undefined ? { profile: parseProfile(input['profile']) } : {}),
    ...(typeof point === 'string' ? { crlDistributionPoint: checkDistributionPoint(point) } : {}),
  };
}

/** `{ reason }`: 1–500 characters */
export function parseRetireAnchorDto(body: unknown): { reason: string } {
  const reason = objectBody(body)['reason'];
  if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > 500) {
    throw invalid('reason', 'must be 1–500 characters');
  }
  return { reason: reason.trim() };
}

/** `{ profile }` */
export function parseSetProfileDto(body: unknown): { profile: CertificateProfileSpec } {
  const input = objectBody(body);
  if (input['profile'] === undefined) throw invalid('profile', 'is required');
  return { profile: parseProfile(input['profile']) };
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TrustError(TrustErrorCode.REQUEST_INVALID, 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function invalid(field: string, problem: string): TrustError {
  return new TrustError(TrustErrorCode.REQUEST_INVALID, `${field} ${problem}`, [{ field, problem }]);
}
