import { createHash, KeyObject, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { sha256Hex, wrap } from './der';
import { TAG_UTF8_STRING } from './der-reader';
import { der, encodeDer, updateDer } from './der-writer';
import { envelopedDataElement } from './enveloped-data.builder';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { EnvelopeKind, encodeManifest, Manifest, Party } from './manifest';
import * as oid from './oids';
import { checkSealingKey, SealingCertificates, sealingKeyTypeOf } from './sealing-certificates';
import { attributeElement, signedDataElement } from './signed-data.builder';

export interface EnvelopeFile {
  /** file name as listed in the manifest, e.g. UPPLAN_202611_0300000100_43_0300000005_11_20261124053000.CSV */
  name: string;
  /** e.g. text/csv */
  mediaType: string;
  content: Uint8Array;
}

export interface SealInput {
  /** client-generated UUID, also the idempotency key */
  envelopeId: string;
  sender: Party;
  recipient: Party;
  kind: EnvelopeKind;
  targetMonth: string;
  fileSequence: string;
  createdAt: Date;
  /** in the order they are concatenated into the plaintext */
  files: readonly EnvelopeFile[];
}

/** Key material of one side. Certificates are DER; the private key never leaves this process. */
export interface SealParties {
  senderCertificate: Uint8Array;
  senderPrivateKey: KeyObject;
  recipientCertificate: Uint8Array;
}

export interface SealedEnvelope {
  /** DER of the ContentInfo(SignedData) */
  der: Uint8Array;
  manifest: Manifest;
  /** hex SHA-256 of the encapsulated EnvelopedData (equals the messageDigest attribute) */
  contentSha256: string;
}

/** Builds the envelope: EnvelopedData to recipient and sender, wrapped in SignedData whose signed attributes carry the manifest. */
export async function seal(input: SealInput, parties: SealParties): Promise<SealedEnvelope> {
  if (!(input.createdAt instanceof Date) || Number.isNaN(input.createdAt.getTime())) {
    throw new EnvelopeError(EnvelopeErrorCode.MANIFEST_INVALID, 'manifest: createdAt is not a valid date');
  }
  const manifest: Manifest = {
    version: 1,
    envelopeId: input.envelopeId,
    sender: { officeNumber: input.sender.officeNumber, serviceType: input.sender.serviceType },
    recipient: { officeNumber: input.recipient.officeNumber, serviceType: input.recipient.serviceType },
    kind: input.kind,
    targetMonth: input.targetMonth,
    fileSequence: input.fileSequence,
    createdAt: input.createdAt.toISOString(),
    files: input.files.map((f) => ({
      name: f.name,
      mediaType: f.mediaType,
      size: f.content.byteLength,
      sha256: sha256Hex(f.content),
    })),
  };
  const manifestBytes = encodeManifest(manifest);
  // the files are encrypted one after the other, never joined: the plaintext is their concatenation
  const { der, contentSha256 } = sealParts(
    manifestBytes,
    input.files.map((f) => f.content),
    parties,
  );
  return { der, manifest, contentSha256 };
}

/**
 * Signs and encrypts without checking that the manifest describes the plaintext.
 * Internal (not exported from the index): the public entry point is `seal`; tests use this to build bad envelopes.
 */
export async function sealRaw(
  manifestBytes: Uint8Array,
  plaintext: Uint8Array,
  parties: SealParties,
): Promise<{ der: Uint8Array; contentSha256: string }> {
  return sealParts(manifestBytes, [plaintext], parties);
}

/** the certificates of recent seals: an office seals with the same two, unit after unit */
const sealingCertificates = new SealingCertificates();

function sealParts(
  manifestBytes: Uint8Array,
  plaintext: readonly Uint8Array[],
  parties: SealParties,
): { der: Uint8Array; contentSha256: string } {
  const sender = sealingCertificates.read(parties.senderCertificate, 'sender certificate');
  const recipient = sealingCertificates.read(parties.recipientCertificate, 'recipient certificate');
  sealingCertificates.assertKeyMatches(sender, parties.senderPrivateKey, 'sender');
  checkSealingKey(sender, 'sender');
  checkSealingKey(recipient, 'recipient');
  const enveloped = wrap(
    EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
    'could not encrypt to the given certificates',
    () => envelopedDataElement(plaintext, [recipient, sender]),
  );
  // the messageDigest attribute and the content digest intake records: one pass over the EnvelopedData octets
  const digest = createHash('sha256');
  updateDer(digest, enveloped);
  const contentDigest = digest.digest();
  const der = encodeDer(
    signedDataElement({
      contentType: oid.OID_ENVELOPED_DATA,
      content: enveloped,
      contentDigest,
      attributes: [manifestAttribute(manifestBytes)],
      certificate: parties.senderCertificate,
      privateKey: parties.senderPrivateKey,
      who: 'sender',
    }),
  );
  return { der, contentSha256: contentDigest.toString('hex') };
}

/** Internal (not exported from the index): wraps `content` (EnvelopedData DER) in the signed outer layer. */
export function signContent(
  manifestBytes: Uint8Array,
  content: Uint8Array,
  cert: Uint8Array | pkijs.Certificate,
  key: KeyObject,
): Uint8Array {
  return encodeDer(
    signedDataElement({
      contentType: oid.OID_ENVELOPED_DATA,
      content,
      contentDigest: createHash('sha256').update(content).digest(),
      attributes: [manifestAttribute(manifestBytes)],
      certificate: cert,
      privateKey: key,
      who: 'sender',
    }),
  );
}

/** the renkeiManifest signed attribute: the manifest's canonical JSON as a UTF8String */
function manifestAttribute(manifestBytes: Uint8Array): Uint8Array {
  return encodeDer(attributeElement(oid.OID_MANIFEST_ATTRIBUTE, der(TAG_UTF8_STRING, manifestBytes)));
}

/** RSA (2048 bits or more) and EC P-256 only. */
export function checkPublicKeyAlgorithm(certDer: Uint8Array, who: string): void {
  const key = wrap(
    EnvelopeErrorCode.MALFORMED_DER,
    `${who} certificate is not readable`,
    () => new X509Certificate(certDer).publicKey,
  );
  if (sealingKeyTypeOf(key) === undefined) {
    throw new EnvelopeError(
      EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      `${who} certificate key is neither RSA-2048+ nor P-256`,
    );
  }
}
