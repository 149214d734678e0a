// A small JSON document signed by an office certificate (利用申請 and other office requests): the canonical JSON
// (manifest.ts canonicalJson) as id-data content of a CMS SignedData, built and checked by the challenge code, so
// there is still one SignedData builder. As with challenges, the caller judges the signer certificate.
import { signChallenge, verifyChallengeSignature, type ChallengeSigner } from './challenge';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { canonicalJson } from './manifest';
import type { SignerCertificate } from './verify';

export interface VerifiedSignedJson {
  /** the parsed document; its bytes were exactly its canonical JSON */
  readonly value: unknown;
  readonly signerCertificate: SignerCertificate;
  /** DER of every other certificate in the SignedData (candidate intermediates) */
  readonly otherCertificates: Uint8Array[];
}

/** DER ContentInfo(SignedData) over the canonical JSON of `value` (id-data, SHA-256, signingTime). */
export function signJson(value: unknown, signer: ChallengeSigner, signingTime = new Date()): Uint8Array {
  return signChallenge(canonicalJson(value), signer, signingTime);
}

/**
 * Checks the signature of a signed JSON document (at most MAX_SIGNED_CHALLENGE_BYTES) against its included
 * signer certificate and parses the content, which must be exactly the canonical JSON of what it holds
 * (SIGNATURE_INVALID otherwise: a signer is only answerable for one encoding).
 */
export function verifySignedJson(der: Uint8Array): VerifiedSignedJson {
  const { nonce: text, signerCertificate, otherCertificates } = verifyChallengeSignature(der);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, 'the signed content is not JSON', { cause });
  }
  if (canonicalJson(value) !== text) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, 'the signed content is not canonical JSON');
  }
  return { value, signerCertificate, otherCertificates };
}
