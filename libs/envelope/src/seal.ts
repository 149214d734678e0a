import { KeyObject, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  assertKeyMatchesCertificate,
  ensurePkijsEngine,
  parseCertificate,
  sha256Hex,
  toArrayBuffer,
  wrap,
  wrapAsync,
} from './der';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { EnvelopeKind, encodeManifest, Manifest, Party } from './manifest';
import * as oid from './oids';
import { buildSignedData, signedAttribute } from './signed-data.builder';

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
  const plaintext = Buffer.concat(input.files.map((f) => f.content));
  const { der, contentSha256 } = await sealRaw(manifestBytes, plaintext, parties);
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
  ensurePkijsEngine();
  const senderCert = parseCertificate(parties.senderCertificate, 'sender certificate');
  const recipientCert = parseCertificate(parties.recipientCertificate, 'recipient certificate');
  assertKeyMatchesCertificate(parties.senderCertificate, parties.senderPrivateKey, 'sender');
  checkPublicKeyAlgorithm(parties.senderCertificate, 'sender');
  checkPublicKeyAlgorithm(parties.recipientCertificate, 'recipient');
  const enveloped = await encrypt(plaintext, [recipientCert, senderCert]);
  const der = signContent(manifestBytes, enveloped, senderCert, parties.senderPrivateKey);
  return { der, contentSha256: sha256Hex(enveloped) };
}

const AES_256_CBC = { name: 'AES-CBC', length: 256 } as Parameters<pkijs.EnvelopedData['encrypt']>[0];

async function encrypt(plaintext: Uint8Array, recipients: pkijs.Certificate[]): Promise<Uint8Array> {
  return wrapAsync(
    EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
    'could not encrypt to the given certificates',
    async () => {
      // disableSplit keeps encryptedContent a primitive OCTET STRING (pkijs would emit 1 KiB BER chunks)
      const enveloped = new pkijs.EnvelopedData({ disableSplit: true });
      for (const cert of recipients) {
        enveloped.addRecipientByCertificate(cert, {
          oaepHashAlgorithm: 'SHA-256',
          kdfAlgorithm: 'SHA-256',
          kekEncryptionLength: 256,
        });
      }
      await enveloped.encrypt(AES_256_CBC, toArrayBuffer(plaintext));
      return new Uint8Array(enveloped.toSchema().toBER(false));
    },
  );
}

/** Internal (not exported from the index): wraps `content` (EnvelopedData DER) in the signed outer layer. */
export function signContent(
  manifestBytes: Uint8Array,
  content: Uint8Array,
  cert: pkijs.Certificate,
  key: KeyObject,
): Uint8Array {
  return buildSignedData({
    contentType: oid.OID_ENVELOPED_DATA,
    content,
    attributes: [
      signedAttribute(
        oid.OID_MANIFEST_ATTRIBUTE,
        new asn1js.Utf8String({ valueHex: toArrayBuffer(manifestBytes) }),
      ),
    ],
    certificate: cert,
    privateKey: key,
    who: 'sender',
  });
}

/** RSA (2048 bits or more) and EC P-256 only. */
export function checkPublicKeyAlgorithm(certDer: Uint8Array, who: string): void {
  const key = wrap(
    EnvelopeErrorCode.MALFORMED_DER,
    `${who} certificate is not readable`,
    () => new X509Certificate(certDer).publicKey,
  );
  const details = key.asymmetricKeyDetails ?? {};
  const ok =
    (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) ||
    (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1');
  if (!ok) {
    throw new EnvelopeError(
      EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      `${who} certificate key is neither RSA-2048+ nor P-256`,
    );
  }
}
