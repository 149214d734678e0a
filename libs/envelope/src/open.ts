import { KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import {
  assertKeyMatchesCertificate,
  decodeDer,
  ensurePkijsEngine,
  parseCertificate,
  sameIssuerAndSerial,
  sha256Hex,
  wrap,
  wrapAsync,
} from './der';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { Manifest } from './manifest';
import * as oid from './oids';
import { SignerCertificate, verifyEnvelope } from './verify';

/** The opener: the recipient, or the sender reopening what it sent. Certificate is DER. */
export interface OpenerKey {
  certificate: Uint8Array;
  privateKey: KeyObject;
}

export interface OpenedFile {
  name: string;
  mediaType: string;
  content: Uint8Array;
}

export interface OpenedEnvelope {
  manifest: Manifest;
  /** in manifest order */
  files: OpenedFile[];
  signerCertificate: SignerCertificate;
  contentSha256: string;
}

/** Verifies signature and manifest, decrypts with the opener's key and checks every file against the manifest. */
export async function openEnvelope(der: Uint8Array, opener: OpenerKey): Promise<OpenedEnvelope> {
  ensurePkijsEngine();
  const verified = verifyEnvelope(der);
  const enveloped = readEnvelopedData(verified.content);
  const certificate = parseCertificate(opener.certificate, 'opener certificate');
  const index = findRecipient(enveloped, certificate);
  assertKeyMatchesCertificate(opener.certificate, opener.privateKey, 'opener');
  const plaintext = await wrapAsync(
    EnvelopeErrorCode.DECRYPTION_FAILED,
    'content could not be decrypted',
    async () => {
      const pkcs8 = opener.privateKey.export({ type: 'pkcs8', format: 'der' });
      const buffer = await enveloped.decrypt(index, {
        recipientCertificate: certificate,
        recipientPrivateKey: new Uint8Array(pkcs8),
      });
      return new Uint8Array(buffer);
    },
  );
  return {
    manifest: verified.manifest,
    files: splitFiles(verified.manifest, plaintext),
    signerCertificate: verified.signerCertificate,
    contentSha256: verified.contentSha256,
  };
}

/** Cuts the plaintext by the manifest's sizes and checks each SHA-256. */
export function splitFiles(manifest: Manifest, plaintext: Uint8Array): OpenedFile[] {
  const total = manifest.files.reduce((sum, f) => sum + f.size, 0);
  if (total !== plaintext.byteLength) {
    throw new EnvelopeError(
      EnvelopeErrorCode.FILE_SIZE_MISMATCH,
      `plaintext is ${plaintext.byteLength} bytes, the manifest lists ${total}`,
    );
  }
  let offset = 0;
  return manifest.files.map((file) => {
    const content = plaintext.slice(offset, offset + file.size);
    offset += file.size;
    if (sha256Hex(content) !== file.sha256) {
      throw new EnvelopeError(
        EnvelopeErrorCode.FILE_DIGEST_MISMATCH,
        `file ${file.name} does not match its SHA-256`,
      );
    }
    return { name: file.name, mediaType: file.mediaType, content };
  });
}

function readEnvelopedData(content: Uint8Array): pkijs.EnvelopedData {
  const asn1 = decodeDer(content, 'EnvelopedData');
  const enveloped = wrap(
    EnvelopeErrorCode.MALFORMED_DER,
    'EnvelopedData is malformed',
    () => new pkijs.EnvelopedData({ schema: asn1 }),
  );
  const algorithm = enveloped.encryptedContentInfo.contentEncryptionAlgorithm.algorithmId;
  if (algorithm !== oid.OID_AES256_CBC) {
    throw new EnvelopeError(
      EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      `content encryption ${algorithm} is not AES-256-CBC`,
    );
  }
  return enveloped;
}

function findRecipient(enveloped: pkijs.EnvelopedData, cert: pkijs.Certificate): number {
  const index = enveloped.recipientInfos.findIndex((info) => {
    const value: unknown = info.value;
    if (value instanceof pkijs.KeyTransRecipientInfo) {
      return value.rid instanceof pkijs.IssuerAndSerialNumber && sameIssuerAndSerial(value.rid, cert);
    }
    if (value instanceof pkijs.KeyAgreeRecipientInfo) {
      // pkijs decrypts encryptedKeys[0] only; seal writes one KeyAgreeRecipientInfo per recipient
      const rid: unknown = value.recipientEncryptedKeys.encryptedKeys[0]?.rid.value;
      return rid instanceof pkijs.IssuerAndSerialNumber && sameIssuerAndSerial(rid, cert);
    }
    return false;
  });
  if (index === -1) {
    throw new EnvelopeError(
      EnvelopeErrorCode.NOT_A_RECIPIENT,
      'the envelope is not encrypted to this certificate',
    );
  }
  checkKeyEncryption(enveloped.recipientInfos[index].value);
  return index;
}

function checkKeyEncryption(info: unknown): void {
  const algorithm =
    info instanceof pkijs.KeyTransRecipientInfo || info instanceof pkijs.KeyAgreeRecipientInfo
      ? info.keyEncryptionAlgorithm.algorithmId
      : '';
  if (algorithm !== oid.OID_RSAES_OAEP && algorithm !== oid.OID_DH_SINGLE_PASS_STD_DH_SHA256_KDF) {
    throw new EnvelopeError(
      EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      `key encryption ${algorithm} is not accepted`,
    );
  }
}
