// What the trust store reads from a CA certificate an operator adds or TRUST_ANCHORS_PEM seeds: that it is a
// CA allowed to sign certificates and valid now, its subject, validity, fingerprint and CRL distribution point.
import { createHash, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { TrustError, TrustErrorCode } from './trust.errors';

const OID_KEY_USAGE = '2.5.29.15';
const OID_CRL_DISTRIBUTION_POINTS = '2.5.29.31';
// keyCertSign is bit 5: the third bit from the right of the first content octet
const KU_KEY_CERT_SIGN = 0x04;
const GENERAL_NAME_URI = 6;

export interface AnchorCertificate {
  readonly der: Uint8Array;
  /** lower-case hex SHA-256 of der */
  readonly sha256: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** the first http(s) URL of cRLDistributionPoints, if any */
  readonly crlDistributionPoint: string | null;
}

/** Reads a CA certificate that is to become an anchor; TRUST_ANCHOR_INVALID says why it cannot. */
export function readAnchorCertificate(der: Uint8Array, at: Date): AnchorCertificate {
  let x509: X509Certificate;
  let certificate: pkijs.Certificate;
  try {
    x509 = new X509Certificate(der);
    certificate = pkijs.Certificate.fromBER(der);
  } catch {
    throw invalid('the certificate is not a readable X.509 certificate');
  }
  if (!x509.ca) throw invalid('the certificate is not a CA (basicConstraints cA is not true)');
  if (!allowsKeyCertSign(certificate)) throw invalid('the certificate keyUsage does not allow keyCertSign');
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  if (at < notBefore) throw invalid(`the certificate is not valid before ${notBefore.toISOString()}`);
  if (at > notAfter) throw invalid(`the certificate expired at ${notAfter.toISOString()}`);
  return {
    der: new Uint8Array(x509.raw),
    sha256: createHash('sha256').update(x509.raw).digest('hex'),
    subject: x509.subject.replace(/\n/g, ', '),
    notBefore,
    notAfter,
    crlDistributionPoint: crlDistributionPointOf(certificate),
  };
}

/** an http(s) URL an operator gives as distribution point, or REQUEST_INVALID */
export function checkDistributionPoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TrustError(TrustErrorCode.REQUEST_INVALID, 'crlDistributionPoint must be an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TrustError(TrustErrorCode.REQUEST_INVALID, 'crlDistributionPoint must be an http or https URL');
  }
  return parsed.toString();
}

function allowsKeyCertSign(certificate: pkijs.Certificate): boolean {
  const extension = certificate.extensions?.find((candidate) => candidate.extnID === OID_KEY_USAGE);
  // RFC 5280 §4.2.1.3: a CA certificate without keyUsage is not restricted
  if (!extension) return true;
  const bits = (extension.parsedValue as { valueBlock?: { valueHexView?: Uint8Array } } | undefined)
    ?.valueBlock?.valueHexView;
  return !!bits && bits.length > 0 && (bits[0] & KU_KEY_CERT_SIGN) !== 0;
}

function crlDistributionPointOf(certificate: pkijs.Certificate): string | null {
  const extension = certificate.extensions?.find(
    (candidate) => candidate.extnID === OID_CRL_DISTRIBUTION_POINTS,
  );
  const parsed = extension?.parsedValue;
  if (!(parsed instanceof pkijs.CRLDistributionPoints)) return null;
  for (const point of parsed.distributionPoints) {
    const names = Array.isArray(point.distributionPoint) ? point.distributionPoint : [];
    for (const name of names) {
      if (
        name.type === GENERAL_NAME_URI &&
        typeof name.value === 'string' &&
        /^https?:\/\//i.test(name.value)
      ) {
        return name.value;
      }
    }
  }
  return null;
}

function invalid(message: string): TrustError {
  return new TrustError(TrustErrorCode.TRUST_ANCHOR_INVALID, message);
}
