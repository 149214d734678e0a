// Challenge signing for authentication (docs/auth.md): the agent signs the nonce the certificate service issued
// as CMS SignedData (RFC 5652) with its office certificate; the service checks the signature here and the
// certificate's chain, validity and profile under its own policy.
import { KeyObject, verify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  assertKeyMatchesCertificate,
  decodeDer,
  parseCertificate,
  sameIssuerAndSerial,
  sha256Hex,
  wrap,
} from './der';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import * as oid from './oids';
import { buildSignedData, signedAttribute } from './signed-data.builder';
import { checkPublicKeyAlgorithm } from './seal';
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
  const cert = parseCertificate(signer.certificate, 'signer certificate');
  assertKeyMatchesCertificate(signer.certificate, signer.privateKey, 'signer');
  checkPublicKeyAlgorithm(signer.certificate, 'signer');
  const chain = (signer.chain ?? []).map((der) => parseCertificate(der, 'chain certificate'));
  return buildSignedData({
    contentType: oid.OID_DATA,
    content: Buffer.from(nonce, 'utf8'),
    attributes: [signedAttribute(oid.OID_SIGNING_TIME, new asn1js.UTCTime({ valueDate: signingTime }))],
    certificate: cert,
    privateKey: signer.privateKey,
    chain,
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
  const asn1 = decodeDer(der, 'signed challenge');
  const contentInfo = wrap(
    EnvelopeErrorCode.MALFORMED_DER,
    'signed challenge is not a CMS ContentInfo',
    () => new pkijs.ContentInfo({ schema: asn1 }),
  );
  if (contentInfo.contentType !== oid.OID_SIGNED_DATA) {
    throw new EnvelopeError(EnvelopeErrorCode.NOT_SIGNED_DATA, 'signed challenge is not SignedData');
  }
  const signedData = wrap(
    EnvelopeErrorCode.MALFORMED_DER,
    'signed challenge SignedData is malformed',
    () => new pkijs.SignedData({ schema: contentInfo.content }),
  );
  const { eContentType, eContent } = signedData.encapContentInfo;
  if (eContentType !== oid.OID_DATA || !eContent) {
    throw new EnvelopeError(EnvelopeErrorCode.UNEXPECTED_CONTENT_TYPE, 'encapsulated content is not id-data');
  }
  const content = wrap(EnvelopeErrorCode.MALFORMED_DER, 'eContent is malformed', () =>
    Buffer.from(eContent.getValue()),
  );
  if (signedData.signerInfos.length !== 1) {
    throw new EnvelopeError(
      signedData.signerInfos.length === 0
        ? EnvelopeErrorCode.SIGNER_INFO_MISSING
        : EnvelopeErrorCode.MULTIPLE_SIGNERS,
      'signed challenge must have exactly one SignerInfo',
    );
  }
  const signerInfo = signedData.signerInfos[0];
  if (signerInfo.digestAlgorithm.algorithmId !== oid.OID_SHA256) {
    throw new EnvelopeError(EnvelopeErrorCode.UNSUPPORTED_ALGORITHM, 'digest algorithm is not SHA-256');
  }
  const attrs = signerInfo.signedAttrs;
  if (!attrs || attrs.encodedValue.byteLength === 0) {
    throw new EnvelopeError(
      EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
      'SignerInfo has no signed attributes',
    );
  }
  const contentType = single(attrs, oid.OID_CONTENT_TYPE);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.getValue() !== oid.OID_DATA) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, 'content-type attribute is not id-data');
  }
  const messageDigest = single(attrs, oid.OID_MESSAGE_DIGEST);
  if (
    !(messageDigest instanceof asn1js.OctetString) ||
    Buffer.from(messageDigest.valueBlock.valueHexView).toString('hex') !== sha256Hex(content)
  ) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, 'message digest does not match the content');
  }
  const sid: unknown = signerInfo.sid;
  const certificates = (signedData.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  const signerCert =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? certificates.find((c) => sameIssuerAndSerial(sid, c))
      : undefined;
  if (!signerCert) {
    throw new EnvelopeError(
      EnvelopeErrorCode.SIGNER_CERTIFICATE_MISSING,
      'the signer certificate is not in the signed challenge',
    );
  }
  const signerDer = new Uint8Array(signerCert.toSchema().toBER(false));
  const publicKey = wrap(
    EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
    'signer public key is not usable',
    () => new X509Certificate(signerDer).publicKey,
  );
  const algorithm = signerInfo.signatureAlgorithm.algorithmId;
  const algorithmOk =
    publicKey.asymmetricKeyType === 'rsa'
      ? algorithm === oid.OID_SHA256_WITH_RSA || algorithm === oid.OID_RSA_ENCRYPTION
      : publicKey.asymmetricKeyType === 'ec' && algorithm === oid.OID_ECDSA_WITH_SHA256;
  if (!algorithmOk) {
    throw new EnvelopeError(
      EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      `signature algorithm ${algorithm} is not accepted for this key`,
    );
  }
  const ok = wrap(EnvelopeErrorCode.SIGNATURE_INVALID, 'signature does not verify', () =>
    verify(
      'sha256',
      new Uint8Array(attrs.encodedValue),
      publicKey,
      signerInfo.signature.valueBlock.valueHexView,
    ),
  );
  if (!ok) throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, 'signature does not verify');
  return {
    nonce: content.toString('utf8'),
    signerCertificate: { der: signerDer, sha256: sha256Hex(signerDer) },
    otherCertificates: certificates
      .filter((c) => c !== signerCert)
      .map((c) => new Uint8Array(c.toSchema().toBER(false))),
  };
}

function single(attrs: pkijs.SignedAndUnsignedAttributes, type: string): asn1js.AsnType {
  const found = attrs.attributes.filter((a) => a.type === type);
  if (found.length === 0) {
    throw new EnvelopeError(
      EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
      `signed attribute ${type} is missing`,
    );
  }
  if (found.length > 1 || found[0].values.length !== 1) {
    throw new EnvelopeError(
      EnvelopeErrorCode.MALFORMED_DER,
      `signed attribute ${type} must have exactly one value`,
    );
  }
  return found[0].values[0];
}
