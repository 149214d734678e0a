// Receipts on the office side (docs/envelope.md §10): the platform's acceptance receipt is verified against the
// profile's trust anchors and kept in the profile home; the recipient receipt is signed with the office key.
import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import {
  certificatesFromPem,
  EnvelopeError,
  parseEnvelope,
  parseReceipt,
  signReceipt,
  type AcceptanceReceiptBody,
  type Party,
  type ReceiptReason,
} from '@renkei/envelope';
import { AgentError, AgentErrorCode, ExitCode } from './agent.errors';
import { ensureDirectory, writeFileAtomic } from './files.util';
import type { Profile } from './profile.store';

/** where acceptance receipts are kept: <home>/receipts/<envelopeId>.acceptance.der */
export const RECEIPTS_DIR = 'receipts';

export interface ExpectedAcceptance {
  envelopeId: string;
  manifestSha256: string;
  sender: Party;
  recipient: Party;
}

const receiptRefused = (message: string): AgentError =>
  new AgentError(AgentErrorCode.RECEIPT_UNVERIFIED, message, ExitCode.Refused);

/**
 * Checks an acceptance receipt: its signature, a chain from its signer to one of `trustAnchorsPem` (valid now),
 * and that it is about this envelope. Throws RECEIPT_UNVERIFIED (loudly: the platform's word cannot be proven).
 */
export function verifyAcceptanceReceipt(
  der: Uint8Array,
  trustAnchorsPem: string,
  expected: ExpectedAcceptance,
  now = new Date(),
): AcceptanceReceiptBody {
  let parsed;
  try {
    parsed = parseReceipt(der);
  } catch (error) {
    if (error instanceof EnvelopeError) {
      throw receiptRefused(`受付証明の署名を検証できません (${error.code}): ${error.message}`);
    }
    throw error;
  }
  const { body } = parsed;
  if (body.type !== 'acceptance') throw receiptRefused('受付証明ではありません (not an acceptance receipt)');
  if (!chainsToAnchor(parsed.signerCertificate.der, parsed.otherCertificates, trustAnchorsPem, now)) {
    throw receiptRefused(
      '受付証明の署名者がトラストアンカーに連なりません (acceptance receipt signer does not chain to the trust anchors)',
    );
  }
  const same =
    body.envelopeId === expected.envelopeId &&
    body.manifestSha256 === expected.manifestSha256 &&
    sameParty(body.sender, expected.sender) &&
    sameParty(body.recipient, expected.recipient);
  if (!same)
    throw receiptRefused(
      '受付証明の内容がこの封筒と一致しません (acceptance receipt is for another envelope)',
    );
  return body;
}

export async function saveAcceptanceReceipt(
  home: string,
  envelopeId: string,
  der: Uint8Array,
): Promise<string> {
  const dir = path.join(home, RECEIPTS_DIR);
  await ensureDirectory(dir, 0o700);
  const file = path.join(dir, `${envelopeId}.acceptance.der`);
  await writeFileAtomic(file, der, { overwrite: true });
  return file;
}

export interface RecipientReceiptInput {
  envelopeId: string;
  manifestSha256: string;
  sender: Party;
  recipient: Party;
  /** no reasons: accepted */
  reasons: ReceiptReason[];
  receivedAt: Date;
}

/** The office's signed receipt: accepted when `reasons` is empty, rejected with them otherwise. */
export function signRecipientReceipt(
  profile: Pick<Profile, 'certificate' | 'privateKey'>,
  input: RecipientReceiptInput,
): Uint8Array {
  return signReceipt(
    {
      type: 'recipient',
      version: 1,
      envelopeId: input.envelopeId,
      manifestSha256: input.manifestSha256,
      verdict: input.reasons.length === 0 ? 'accepted' : 'rejected',
      reasons: input.reasons.slice(0, 50).map((r) => ({
        code: r.code,
        ...(r.message ? { message: r.message.slice(0, 500) } : {}),
      })),
      recipient: input.recipient,
      sender: input.sender,
      receivedAt: input.receivedAt.toISOString(),
    },
    { certificate: profile.certificate, privateKey: profile.privateKey },
  );
}

export interface SignedRejection {
  receipt: Uint8Array;
  /** the failure's code, or ENVELOPE_REJECTED when it is not one a receipt may carry */
  code: string;
  manifestSha256: string;
  sender: Party;
  recipient: Party;
}

/**
 * The office's signed rejection of envelope `der` for `failure`, or undefined when its SignedData does not even
 * parse (no manifest to name: nothing to sign a rejection about).
 */
export function signRejection(
  profile: Pick<Profile, 'certificate' | 'privateKey'>,
  envelopeId: string,
  der: Uint8Array,
  failure: { code: string; message: string },
  receivedAt: Date,
): SignedRejection | undefined {
  let parsed;
  try {
    parsed = parseEnvelope(der);
  } catch {
    return undefined;
  }
  const { manifestSha256 } = parsed;
  const { sender, recipient } = parsed.manifest;
  const code = /^[A-Z0-9_]{1,64}$/.test(failure.code) ? failure.code : AgentErrorCode.ENVELOPE_REJECTED;
  const receipt = signRecipientReceipt(profile, {
    envelopeId,
    manifestSha256,
    sender,
    recipient,
    reasons: [{ code, message: failure.message }],
    receivedAt,
  });
  return { receipt, code, manifestSha256, sender, recipient };
}

/** a path from `leaf` through `others` to a certificate equal to one of the anchors; each link's signature and validity checked */
function chainsToAnchor(
  leaf: Uint8Array,
  others: readonly Uint8Array[],
  anchorsPem: string,
  now: Date,
): boolean {
  const anchors = certificatesFromPem(anchorsPem);
  const pool = [...others.map((der) => new X509Certificate(der)), ...anchors];
  const valid = (c: X509Certificate): boolean =>
    Date.parse(c.validFrom) <= now.getTime() && now.getTime() <= Date.parse(c.validTo);
  let current = new X509Certificate(leaf);
  for (let depth = 0; depth < 8; depth += 1) {
    if (!valid(current)) return false;
    if (anchors.some((anchor) => anchor.raw.equals(current.raw))) return true;
    const issuer = pool.find((c) => c.ca && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) return false;
    current = issuer;
  }
  return false;
}

function sameParty(a: Party, b: Party): boolean {
  return a.officeNumber === b.officeNumber && a.serviceType === b.serviceType;
}
