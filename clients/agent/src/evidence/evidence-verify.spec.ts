import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signReceipt } from '@renkei/envelope';
import { createDevCa, issueOfficeCertificate, issuePlatformCertificate } from '@renkei/pki';
import { AgentError, ExitCode } from '../agent.errors';
import type { EnvelopeItem } from '../platform-client';
import { signRecipientReceipt } from '../receipts.util';
import { checkReceipts, readKeptAcceptance, ReceiptSource } from './evidence-verify';
import { PLANNER, PROVIDER, timelineItem } from './fixtures/timeline-items';

const ca = createDevCa();
const otherCa = createDevCa();
const platformSigner = issuePlatformCertificate(ca, { name: 'TEST ONLY platform' });
const provider = issueOfficeCertificate(ca, {
  officeNumber: PROVIDER.officeNumber,
  serviceTypes: ['11'],
  keyType: 'ec',
});
const MANIFEST = 'ab'.repeat(32);
const ID = '00000000-0000-4000-8000-00000000000a';

function acceptance(item: EnvelopeItem, signer = platformSigner, manifestSha256 = MANIFEST): Uint8Array {
  return signReceipt(
    {
      type: 'acceptance',
      version: 1,
      envelopeId: item.envelopeId,
      manifestSha256,
      contentSha256: 'cd'.repeat(32),
      objectSha256: 'cd'.repeat(32),
      sender: item.sender,
      recipient: item.recipient,
      acceptedAt: item.acceptedAt as string,
      platform: 'renkei',
    },
    { certificate: signer.certificate, privateKey: signer.privateKey },
  );
}

function recipientReceipt(item: EnvelopeItem, reasons: { code: string }[] = []): Uint8Array {
  return signRecipientReceipt(provider, {
    envelopeId: item.envelopeId,
    manifestSha256: MANIFEST,
    sender: item.sender,
    recipient: item.recipient,
    reasons,
    receivedAt: new Date(),
  });
}

const sha256 = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');

/** an item whose timeline carries the digest of `receipt` */
function receiptedItem(receipt?: Uint8Array): { item: EnvelopeItem; receipt: Uint8Array } {
  const draft = timelineItem({ envelopeId: ID, acceptedAt: new Date().toISOString() });
  const der = receipt ?? recipientReceipt(draft);
  return {
    item: timelineItem({
      envelopeId: ID,
      acceptedAt: draft.acceptedAt as string,
      receiptSha256: sha256(der),
    }),
    receipt: der,
  };
}

function source(
  parts: Partial<Record<keyof ReceiptSource, Uint8Array | Error | undefined>>,
): ReceiptSource & { asked: string[] } {
  const asked: string[] = [];
  const answer = (name: keyof ReceiptSource) => async () => {
    asked.push(name);
    const part = parts[name];
    if (part instanceof Error) throw part;
    if (part === undefined && name !== 'keptAcceptance')
      throw new AgentError('ENVELOPE_NOT_FOUND', 'not found', ExitCode.NotFound);
    return part;
  };
  return {
    asked,
    keptAcceptance: answer('keptAcceptance') as ReceiptSource['keptAcceptance'],
    platformAcceptance: answer('platformAcceptance') as ReceiptSource['platformAcceptance'],
    recipientReceipt: answer('recipientReceipt') as ReceiptSource['recipientReceipt'],
  };
}

describe(checkReceipts.name, () => {
  it('verifies the kept acceptance receipt of a sent envelope, and the recipient receipt against the timeline digest', async () => {
    const { item, receipt } = receiptedItem();
    const from = source({ keptAcceptance: acceptance(item), recipientReceipt: receipt });
    expect(await checkReceipts(item, 'sent', from, ca.certificatePem)).toEqual({
      acceptance: { state: 'verified', source: 'local' },
      recipient: { state: 'verified', source: 'platform' },
    });
    expect(from.asked).toEqual(['keptAcceptance', 'recipientReceipt']);
  });

  it('asks the platform for the acceptance receipt of a received envelope (and of a sent one not kept)', async () => {
    const { item, receipt } = receiptedItem();
    const received = source({ platformAcceptance: acceptance(item), recipientReceipt: receipt });
    expect((await checkReceipts(item, 'received', received, ca.certificatePem)).acceptance).toEqual({
      state: 'verified',
      source: 'platform',
    });
    expect(received.asked).not.toContain('keptAcceptance');
    const notKept = source({ platformAcceptance: acceptance(item), recipientReceipt: receipt });
    expect((await checkReceipts(item, 'sent', notKept, ca.certificatePem)).acceptance.source).toBe(
      'platform',
    );
    expect(notKept.asked).toEqual(['keptAcceptance', 'platformAcceptance', 'recipientReceipt']);
  });

  it('reports a receipt that does not chain to the trust anchors, or is about another manifest', async () => {
    const { item, receipt } = receiptedItem();
    const foreign = issuePlatformCertificate(otherCa, { name: 'TEST ONLY other platform' });
    const untrusted = source({ keptAcceptance: acceptance(item, foreign), recipientReceipt: receipt });
    expect((await checkReceipts(item, 'sent', untrusted, ca.certificatePem)).acceptance).toEqual({
      state: 'failed',
      source: 'local',
      code: 'RECEIPT_UNVERIFIED',
    });
    const other = source({
      keptAcceptance: acceptance(item, platformSigner, 'ee'.repeat(32)),
      recipientReceipt: receipt,
    });
    expect((await checkReceipts(item, 'sent', other, ca.certificatePem)).acceptance.state).toBe('failed');
  });

  it('reports a recipient receipt whose digest is not the timeline one, or whose verdict differs', async () => {
    const { item } = receiptedItem();
    const swapped = recipientReceipt(item);
    const mismatch = source({ keptAcceptance: acceptance(item), recipientReceipt: swapped });
    expect((await checkReceipts(item, 'sent', mismatch, ca.certificatePem)).recipient).toEqual({
      state: 'failed',
      source: 'platform',
      code: 'RECEIPT_DIGEST_MISMATCH',
    });
    // a rejection served where the timeline says accepted
    const rejection = recipientReceipt(item, [{ code: 'SIGNATURE_INVALID' }]);
    const lying = timelineItem({
      envelopeId: ID,
      acceptedAt: item.acceptedAt as string,
      receiptSha256: sha256(rejection),
    });
    const wrongVerdict = source({ keptAcceptance: acceptance(lying), recipientReceipt: rejection });
    expect((await checkReceipts(lying, 'sent', wrongVerdict, ca.certificatePem)).recipient.code).toBe(
      'RECEIPT_ENVELOPE_MISMATCH',
    );
  });

  it('reports a receipt signed by an office that is not the recipient', async () => {
    const draft = timelineItem({ envelopeId: ID, acceptedAt: new Date().toISOString() });
    const impostor = issueOfficeCertificate(ca, {
      officeNumber: PLANNER.officeNumber,
      serviceTypes: ['43'],
      keyType: 'ec',
    });
    const der = signRecipientReceipt(impostor, {
      envelopeId: ID,
      manifestSha256: MANIFEST,
      sender: draft.sender,
      recipient: draft.recipient,
      reasons: [],
      receivedAt: new Date(),
    });
    const item = timelineItem({
      envelopeId: ID,
      acceptedAt: draft.acceptedAt as string,
      receiptSha256: sha256(der),
    });
    const from = source({ keptAcceptance: acceptance(item), recipientReceipt: der });
    expect((await checkReceipts(item, 'sent', from, ca.certificatePem)).recipient.code).toBe(
      'RECEIPT_SIGNER_MISMATCH',
    );
  });

  it('has no recipient receipt to check before the recipient receipted; a 404 is a failed check', async () => {
    const item = timelineItem({
      envelopeId: ID,
      acceptedAt: new Date().toISOString(),
      reached: 'downloaded',
    });
    const from = source({});
    expect(await checkReceipts(item, 'received', from, ca.certificatePem)).toEqual({
      acceptance: { state: 'failed', source: 'platform', code: 'ENVELOPE_NOT_FOUND' },
      recipient: { state: 'absent' },
    });
    expect(from.asked).toEqual(['platformAcceptance']);
  });

  it('stops on an unreachable platform instead of reporting a failed check', async () => {
    const item = timelineItem({ envelopeId: ID, acceptedAt: new Date().toISOString() });
    const down = new AgentError('PLATFORM_UNREACHABLE', 'down', ExitCode.Unreachable);
    await expect(
      checkReceipts(item, 'received', source({ platformAcceptance: down }), ca.certificatePem),
    ).rejects.toBe(down);
  });
});

describe(readKeptAcceptance.name, () => {
  it('reads <profile>/receipts/<id>.acceptance.der, undefined when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renkei-evidence-'));
    try {
      mkdirSync(join(dir, 'receipts'));
      writeFileSync(join(dir, 'receipts', `${ID}.acceptance.der`), Buffer.from([1, 2, 3]));
      expect(await readKeptAcceptance(dir, ID)).toEqual(new Uint8Array([1, 2, 3]));
      expect(await readKeptAcceptance(dir, '00000000-0000-4000-8000-00000000000b')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
