// Challenge signing for authentication (docs/auth.md): the agent signs the nonce the certificate service issued
// as CMS SignedData (RFC 5652) with its office certificate; the service checks the signature here and the
// certificate's chain, validity and profile under its own policy.
import { KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { assertKeyMatchesCertificate, sha256Hex } from './der';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import * as oid from './oids';
import { buildSignedData, signedAttribute } from './signed-data.builder';
import { checkPublicKeyAlgorithm } from './seal';
import {
  checkIncludedSigner,
  onlySignerInfo,
  otherCertificatesOf,
  readContent,
  readSignedData,
  signedAttributesOf,
  single,
} from './verify';
import type { SignerCertificate } from './verify';

/** A signed challenge is small; anything larger is refused before parsing. */
export const MAX_SIGNED_CHALLENGE_BYTES = 64 * 1024;

export interface ChallengeSigner {
  /** DER of the office certificate */
  certificate: Uint8Array;
  privateKey: KeyObject;
  /** DER of intermediate CA certificates to include, if any */
  chain?: readonly Uint8Array[];
}

export interface VerifiedChallenge {
  /** the signed content decoded as UTF-8: the nonce as the service issued it */
  nonce: string;
  signerCertificate: SignerCertificate;
  /** DER of every other certificate in the SignedData (candidate intermediates) */
  otherCertificates: Uint8Array[];
}

/**
 * Signs `nonce` (the base64url string exactly as issued; its UTF-8 bytes are the content) as DER
 * ContentInfo(SignedData), id-data content encapsulated, SHA-256, with contentType, messageDigest and
 * signingTime signed attributes and the signer certificate included.
 */
export function signChallenge(nonce: string, signer: ChallengeSigner, signingTime = new Date()): Uint8Array {
  assertKeyMatchesCertificate(signer.certificate, signer.privateKey, 'signer');
  checkPublicKeyAlgorithm(signer.certificate, 'signer');
  return buildSignedData({
    contentType: oid.OID_DATA,
    content: Buffer.from(nonce, 'utf8'),
    attributes: [signedAttribute(oid.OID_SIGNING_TIME, new asn1js.UTCTime({ valueDate: signingTime }))],
    certificate: signer.certificate,
    privateKey: signer.privateKey,
    chain: signer.chain,
    who: 'signer',
  });
}

/**
 * Parses a signed challenge and checks its signature against the included signer certificate. Says nothing
 * about whether that certificate is trusted, valid now, or fit for the purpose: that is the caller's policy.
 */
export function verifyChallengeSignature(der: Uint8Array): VerifiedChallenge {
  if (der.byteLength > MAX_SIGNED_CHALLENGE_BYTES) {
    throw new EnvelopeError(
      EnvelopeErrorCode.LIMIT_EXCEEDED,
      'signed challenge is larger than the size limit',
    );
  }
  const signedData = readSignedData(der, 'signed challenge');
  const content = Buffer.from(readContent(signedData, oid.OID_DATA, 'encapsulated content is not id-data'));
  const signerInfo = onlySignerInfo(signedData);
  const attrs = signedAttributesOf(signerInfo, oid.OID_DATA, 'content-type attribute is not id-data');
  const messageDigest = single(attrs, oid.OID_MESSAGE_DIGEST, EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING);
  if (
    !(messageDigest instanceof asn1js.OctetString) ||
    Buffer.from(messageDigest.valueBlock.valueHexView).toString('hex') !== sha256Hex(content)
  ) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, 'message digest does not match the content');
  }
  const { certificate, signerCertificate } = checkIncludedSigner(
    signedData,
    signerInfo,
    attrs,
    'signed challenge',
  );
  return {
    nonce: content.toString('utf8'),
    signerCertificate,
    otherCertificates: otherCertificatesOf(signedData, certificate),
  };
}
