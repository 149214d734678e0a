// The agent's own check of the receipts behind an envelope's timeline, for the evidence CSV: the platform's signed
// acceptance receipt (the copy this office kept when it sent, else the one intake serves) and the recipient's
// signed receipt (served by delivery; its SHA-256 must be the timeline's). Each is verified against the profile's
// trust anchors; a failure is reported in the row, never hidden, and does not stop the report.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  CertificatePolicyError,
  EnvelopeError,
  OfficeCertificatePolicy,
  parseReceipt,
  type Party,
} from '@renkei/envelope';
import { AgentError, ExitCode } from '../agent.errors';
import type { EnvelopeItem } from '../platform-client';
import { RECEIPTS_DIR, verifyAcceptanceReceipt } from '../receipts.util';

export type Direction = 'sent' | 'received';

export interface ReceiptCheck {
  state: 'verified' | 'failed' | 'absent';
  /** where the checked receipt came from */
  source?: 'local' | 'platform';
  /** why it failed (a stable code) */
  code?: string;
}

export interface EnvelopeReceiptChecks {
  acceptance: ReceiptCheck;
  recipient: ReceiptCheck;
}

/** where the receipts are read: the profile's kept copies and the platform (injectable in tests) */
export interface ReceiptSource {
  /** the acceptance receipt this office kept when it sent (undefined when it has none) */
  keptAcceptance(envelopeId: string): Promise<Uint8Array | undefined>;
  platformAcceptance(envelopeId: string): Promise<Uint8Array>;
  recipientReceipt(envelopeId: string): Promise<Uint8Array>;
}

/** the kept copies in `<profile>/receipts/<envelopeId>.acceptance.der` (written by `renkei send`) */
export async function readKeptAcceptance(
  profileDir: string,
  envelopeId: string,
): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(
      await fs.readFile(path.join(profileDir, RECEIPTS_DIR, `${envelopeId}.acceptance.der`)),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function manifestSha256Of(item: EnvelopeItem): string | undefined {
  const proof = item.timeline?.find((s) => s.step === 'accepted')?.proof;
  return typeof proof?.['manifestSha256'] === 'string' ? proof['manifestSha256'] : undefined;
}

export function receiptStepOf(item: EnvelopeItem): NonNullable<EnvelopeItem['timeline']>[number] | undefined {
  return item.timeline?.find((s) => s.step === 'receipted' || s.step === 'rejected');
}

/** a platform answer that is not a success (404, 403 …) is a failed check; an unreachable platform stops the report */
async function fromPlatform(read: () => Promise<Uint8Array>): Promise<Uint8Array | ReceiptCheck> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AgentError && error.exitCode !== ExitCode.Unreachable) {
      return { state: 'failed', source: 'platform', code: error.code };
    }
    throw error;
  }
}

export async function checkReceipts(
  item: EnvelopeItem,
  direction: Direction,
  source: ReceiptSource,
  trustAnchorsPem: string,
  now = new Date(),
): Promise<EnvelopeReceiptChecks> {
  return {
    acceptance: await checkAcceptance(item, direction, source, trustAnchorsPem, now),
    recipient: await checkRecipient(item, source, trustAnchorsPem),
  };
}

async function checkAcceptance(
  item: EnvelopeItem,
  direction: Direction,
  source: ReceiptSource,
  trustAnchorsPem: string,
  now: Date,
): Promise<ReceiptCheck> {
  const manifestSha256 = manifestSha256Of(item);
  if (!manifestSha256) return { state: 'failed', code: 'TIMELINE_WITHOUT_MANIFEST_DIGEST' };
  const kept = direction === 'sent' ? await source.keptAcceptance(item.envelopeId) : undefined;
  const der = kept ?? (await fromPlatform(() => source.platformAcceptance(item.envelopeId)));
  if (!(der instanceof Uint8Array)) return der;
  const from = kept ? 'local' : 'platform';
  try {
    verifyAcceptanceReceipt(
      der,
      trustAnchorsPem,
      { envelopeId: item.envelopeId, manifestSha256, sender: item.sender, recipient: item.recipient },
      now,
    );
    return { state: 'verified', source: from };
  } catch (error) {
    if (error instanceof AgentError) return { state: 'failed', source: from, code: error.code };
    throw error;
  }
}

async function checkRecipient(
  item: EnvelopeItem,
  source: ReceiptSource,
  trustAnchorsPem: string,
): Promise<ReceiptCheck> {
  const step = receiptStepOf(item);
  if (!step) return { state: 'absent' };
  const der = await fromPlatform(() => source.recipientReceipt(item.envelopeId));
  if (!(der instanceof Uint8Array)) return der;
  const failed = (code: string): ReceiptCheck => ({ state: 'failed', source: 'platform', code });
  if (createHash('sha256').update(der).digest('hex') !== step.proof?.['receiptSha256']) {
    return failed('RECEIPT_DIGEST_MISMATCH');
  }
  let parsed;
  try {
    parsed = parseReceipt(der);
  } catch (error) {
    if (error instanceof EnvelopeError) return failed(error.code);
    throw error;
  }
  const { body } = parsed;
  if (
    body.type !== 'recipient' ||
    body.envelopeId !== item.envelopeId ||
    body.manifestSha256 !== manifestSha256Of(item) ||
    body.verdict !== step.proof?.['verdict'] ||
    !sameParty(body.sender, item.sender) ||
    !sameParty(body.recipient, item.recipient)
  ) {
    return failed('RECEIPT_ENVELOPE_MISMATCH');
  }
  try {
    const signer = OfficeCertificatePolicy.fromPem(trustAnchorsPem).validate(
      parsed.signerCertificate.der,
      parsed.otherCertificates,
      new Date(body.receivedAt),
    );
    if (
      signer.officeNumber !== item.recipient.officeNumber ||
      !signer.serviceTypes.includes(item.recipient.serviceType)
    ) {
      return failed('RECEIPT_SIGNER_MISMATCH');
    }
  } catch (error) {
    if (error instanceof CertificatePolicyError) return failed(error.code);
    throw error;
  }
  return { state: 'verified', source: 'platform' };
}

function sameParty(a: Party, b: Party): boolean {
  return a.officeNumber === b.officeNumber && a.serviceType === b.serviceType;
}
