// Receipts (docs/envelope.md §10): the platform's acceptance receipt and the recipient's receipt, each a CMS
// SignedData over the receipt's canonical JSON, built by the one SignedData builder and checked on the same
// pkijs read path as signed challenges.
import { isAscii } from 'node:buffer';
import { KeyObject } from 'node:crypto';
import { assertKeyMatchesCertificate, sha256Hex } from './der';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { canonicalJson, type Party } from './manifest';
import * as oid from './oids';
import { checkPublicKeyAlgorithm } from './seal';
import { buildSignedData } from './signed-data.builder';
import {
  checkIncludedSigner,
  messageDigestOf,
  onlySignerInfo,
  otherCertificatesOf,
  readContent,
  readSignedData,
  signedAttributesOf,
} from './verify';
import type { SignerCertificate } from './verify';

export const RECEIPT_VERSION = 1;

/** Limits of a receipt; see docs/envelope.md §10. */
export const RECEIPT_LIMITS = Object.freeze({
  /** the whole DER */
  maxReceiptBytes: 64 * 1024,
  maxReasons: 50,
  maxReasonMessageLength: 500,
  maxPlatformNameLength: 128,
});

export type ReceiptVerdict = 'accepted' | 'rejected';

export interface ReceiptReason {
  /** `^[A-Z0-9_]{1,64}$`, e.g. FILE_DIGEST_MISMATCH */
  code: string;
  /** at most 500 characters, for people; never personal data */
  message?: string;
}

/** The platform's receipt for an envelope it accepted (signed by the platform receipt key). */
export interface AcceptanceReceiptBody {
  type: 'acceptance';
  version: number;
  envelopeId: string;
  manifestSha256: string;
  /** hex SHA-256 of the encapsulated EnvelopedData (the signed messageDigest) */
  contentSha256: string;
  /** hex SHA-256 of the stored envelope DER */
  objectSha256: string;
  sender: Party;
  recipient: Party;
  /** ISO 8601 UTC */
  acceptedAt: string;
  /** the platform that accepted it, e.g. "renkei" */
  platform: string;
}

/** The recipient's verdict on an envelope it opened (signed by the recipient office's key). */
export interface RecipientReceiptBody {
  type: 'recipient';
  version: number;
  envelopeId: string;
  manifestSha256: string;
  verdict: ReceiptVerdict;
  /** empty when accepted, 1..50 when rejected */
  reasons: ReceiptReason[];
  recipient: Party;
  sender: Party;
  /** ISO 8601 UTC: when the recipient opened it */
  receivedAt: string;
}

export type ReceiptBody = AcceptanceReceiptBody | RecipientReceiptBody;

export interface ReceiptSigningKey {
  /** DER of the signer certificate */
  certificate: Uint8Array;
  privateKey: KeyObject;
  /** DER of intermediate CA certificates to include, if any */
  chain?: readonly Uint8Array[];
}

export interface ParsedReceipt {
  body: ReceiptBody;
  /** the exact signed JSON bytes */
  bodyBytes: Uint8Array;
  signerCertificate: SignerCertificate;
  /** DER of every other certificate in the SignedData (candidate intermediates) */
  otherCertificates: Uint8Array[];
  /** hex SHA-256 of the whole receipt DER: the receipt's fingerprint in timelines and events */
  receiptSha256: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const SERVICE_TYPE = /^[0-9A-Z]{2}$/;
const UTC_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?Z$/;
const REASON_CODE = /^[A-Z0-9_]{1,64}$/;
// printable, no control characters (C0, DEL, C1)
// eslint-disable-next-line no-control-regex -- the class names the control characters it refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true });

const ACCEPTANCE_KEYS = [
  'type',
  'version',
  'envelopeId',
  'manifestSha256',
  'contentSha256',
  'objectSha256',
  'sender',
  'recipient',
  'acceptedAt',
  'platform',
] as const;
const RECIPIENT_KEYS = [
  'type',
  'version',
  'envelopeId',
  'manifestSha256',
  'verdict',
  'reasons',
  'recipient',
  'sender',
  'receivedAt',
] as const;

/** The canonical JSON bytes of a receipt body; RECEIPT_INVALID if it breaks a rule. */
export function encodeReceiptBody(body: ReceiptBody): Uint8Array {
  validateReceiptBody(body);
  return new TextEncoder().encode(canonicalJson(body));
}

/** Parses receipt body bytes; rejects anything that is not exactly the canonical encoding of a valid body. */
export function decodeReceiptBody(bytes: Uint8Array): ReceiptBody {
  let text: string;
  let parsed: unknown;
  try {
    text = isAscii(bytes) ? Buffer.from(bytes).toString('latin1') : UTF8_FATAL.decode(bytes);
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new EnvelopeError(EnvelopeErrorCode.RECEIPT_INVALID, 'receipt is not UTF-8 JSON', { cause });
  }
  validateReceiptBody(parsed);
  if (canonicalJson(parsed) !== text) {
    throw new EnvelopeError(EnvelopeErrorCode.RECEIPT_INVALID, 'receipt is not in canonical JSON form');
  }
  return parsed;
}

/** Throws RECEIPT_INVALID unless `value` is a well-formed acceptance or recipient receipt body. */
export function validateReceiptBody(value: unknown): asserts value is ReceiptBody {
  if (!isRecord(value)) return invalid('receipt is not an object');
  if (value['type'] === 'acceptance') {
    checkKeys(value, ACCEPTANCE_KEYS, 'receipt');
    checkCommon(value);
    checkString(value['contentSha256'], SHA256_HEX, 'contentSha256');
    checkString(value['objectSha256'], SHA256_HEX, 'objectSha256');
    checkTime(value['acceptedAt'], 'acceptedAt');
    const platform = value['platform'];
    if (
      typeof platform !== 'string' ||
      platform.length === 0 ||
      platform.length > RECEIPT_LIMITS.maxPlatformNameLength ||
      CONTROL.test(platform)
    ) {
      invalid(`platform must be 1 to ${RECEIPT_LIMITS.maxPlatformNameLength} printable characters`);
    }
    return;
  }
  if (value['type'] === 'recipient') {
    checkKeys(value, RECIPIENT_KEYS, 'receipt');
    checkCommon(value);
    checkTime(value['receivedAt'], 'receivedAt');
    checkVerdict(value['verdict'], value['reasons']);
    return;
  }
  invalid('type must be "acceptance" or "recipient"');
}

/**
 * Signs a receipt body as DER ContentInfo(SignedData): eContentType id-renkeiReceipt, eContent the canonical
 * JSON, SHA-256, contentType + messageDigest signed attributes, the signer certificate (and chain) included.
 */
export function signReceipt(body: ReceiptBody, key: ReceiptSigningKey): Uint8Array {
  return receiptSignerOf(key)(body);
}

/**
 * A signing function for many receipts with one key: the certificate, key match and algorithm are checked once
 * here (INVALID_KEY, UNSUPPORTED_ALGORITHM, MALFORMED_DER), then each call encodes, signs and checks the size.
 */
export function receiptSignerOf(key: ReceiptSigningKey): (body: ReceiptBody) => Uint8Array {
  assertKeyMatchesCertificate(key.certificate, key.privateKey, 'receipt signer');
  checkPublicKeyAlgorithm(key.certificate, 'receipt signer');
  const chain = [...(key.chain ?? [])];
  return (body) => {
    const der = buildSignedData({
      contentType: oid.OID_RECEIPT_CONTENT,
      content: encodeReceiptBody(body),
      attributes: [],
      certificate: key.certificate,
      privateKey: key.privateKey,
      chain,
      who: 'receipt signer',
    });
    if (der.byteLength > RECEIPT_LIMITS.maxReceiptBytes) {
      throw new EnvelopeError(EnvelopeErrorCode.LIMIT_EXCEEDED, 'receipt is larger than the size limit');
    }
    return der;
  };
}

/**
 * Parses a receipt, checks its structure, its signature against the included signer certificate and its body's
 * rules. Says nothing about whether the signer is trusted or is the right party: that is the caller's policy.
 */
export function parseReceipt(der: Uint8Array): ParsedReceipt {
  if (der.byteLength > RECEIPT_LIMITS.maxReceiptBytes) {
    throw new EnvelopeError(EnvelopeErrorCode.LIMIT_EXCEEDED, 'receipt is larger than the size limit');
  }
  const signedData = readSignedData(der, 'receipt');
  const content = readContent(signedData, oid.OID_RECEIPT_CONTENT, 'encapsulated content is not a receipt');
  const signerInfo = onlySignerInfo(signedData);
  const attrs = signedAttributesOf(signerInfo, oid.OID_RECEIPT_CONTENT);
  const messageDigest = messageDigestOf(attrs);
  if (Buffer.from(messageDigest.valueBlock.valueHexView).toString('hex') !== sha256Hex(content)) {
    throw new EnvelopeError(EnvelopeErrorCode.SIGNATURE_INVALID, 'message digest does not match the content');
  }
  const { certificate, signerCertificate } = checkIncludedSigner(signedData, signerInfo, attrs, 'receipt');
  // the body is judged only once the signature holds: an unsigned body's faults are not the signer's
  const body = decodeReceiptBody(content);
  return {
    body,
    bodyBytes: content,
    signerCertificate,
    otherCertificates: otherCertificatesOf(signedData, certificate),
    receiptSha256: sha256Hex(der),
  };
}

function checkCommon(value: Record<string, unknown>): void {
  if (value['version'] !== RECEIPT_VERSION) invalid(`unsupported version ${String(value['version'])}`);
  checkString(value['envelopeId'], UUID, 'envelopeId');
  checkString(value['manifestSha256'], SHA256_HEX, 'manifestSha256');
  checkParty(value['sender'], 'sender');
  checkParty(value['recipient'], 'recipient');
}

function checkVerdict(verdict: unknown, reasons: unknown): void {
  if (verdict !== 'accepted' && verdict !== 'rejected') invalid('verdict must be "accepted" or "rejected"');
  if (!Array.isArray(reasons)) return invalid('reasons must be an array');
  if (verdict === 'accepted' && reasons.length > 0) invalid('an accepted receipt has no reasons');
  if (verdict === 'rejected' && reasons.length === 0) invalid('a rejected receipt needs at least one reason');
  if (reasons.length > RECEIPT_LIMITS.maxReasons) {
    invalid(`more than ${RECEIPT_LIMITS.maxReasons} reasons`);
  }
  reasons.forEach((reason: unknown, i) => {
    const where = `reasons[${i}]`;
    if (!isRecord(reason)) return invalid(`${where} is not an object`);
    checkKeys(reason, ['code', 'message'], where, ['code']);
    checkString(reason['code'], REASON_CODE, `${where}.code`);
    const message = reason['message'];
    if (message === undefined) return;
    if (
      typeof message !== 'string' ||
      message.length > RECEIPT_LIMITS.maxReasonMessageLength ||
      CONTROL.test(message)
    ) {
      invalid(
        `${where}.message must be at most ${RECEIPT_LIMITS.maxReasonMessageLength} printable characters`,
      );
    }
  });
}

function checkParty(value: unknown, where: string): void {
  if (!isRecord(value)) return invalid(`${where} is not an object`);
  checkKeys(value, ['officeNumber', 'serviceType'], where);
  checkString(value['officeNumber'], OFFICE_NUMBER, `${where}.officeNumber`);
  checkString(value['serviceType'], SERVICE_TYPE, `${where}.serviceType`);
}

function checkTime(value: unknown, where: string): void {
  checkString(value, UTC_TIME, where);
  if (Number.isNaN(Date.parse(value as string))) invalid(`${where} is not a date`);
}

function checkString(value: unknown, pattern: RegExp, where: string): void {
  if (typeof value !== 'string' || !pattern.test(value)) invalid(`${where} is not valid`);
}

/** exactly `allowed` keys (those in `required` must be present; by default all) */
function checkKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
  required: readonly string[] = allowed,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) invalid(`${where} has an unknown key ${JSON.stringify(key)}`);
  }
  for (const key of required) {
    if (!(key in value)) invalid(`${where} lacks ${key}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): never {
  throw new EnvelopeError(EnvelopeErrorCode.RECEIPT_INVALID, message);
}
