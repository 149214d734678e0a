import { itemFor, itemOf, statusOf, timelineOf } from './envelope-item.mapper';
import { EnvelopeStepEntity } from './envelope-step.entity';
import { EnvelopeEntity } from './envelope.entity';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 6, minute));

function envelope(overrides: Partial<EnvelopeEntity> = {}): EnvelopeEntity {
  return Object.assign(new EnvelopeEntity(), {
    envelopeId: '3f1c2b7e-8d4a-4c5e-9f60-1a2b3c4d5e6f',
    senderOfficeNumber: '1310000001',
    senderServiceType: '43',
    recipientOfficeNumber: '1310000002',
    recipientServiceType: '46',
    kind: 'plan',
    targetMonth: '202612',
    fileSequence: '20261124060000',
    files: [{ name: 'UPPLAN.CSV', mediaType: 'text/csv', size: 10, sha256: 'ab'.repeat(32) }],
    manifestSha256: 'cd'.repeat(32),
    objectSha256: 'ef'.repeat(32),
    objectSize: 2048,
    acceptedAt: at(0),
    availableAt: null,
    firstDownloadedAt: null,
    recordedAt: at(0),
    filedAt: null,
    receiptVerdict: null,
    receiptReasonCodes: [],
    receiptSha256: null,
    receiptReceivedAt: null,
    receiptedAt: null,
    inboxSeq: null,
    ...overrides,
  });
}

function download(minute: number, byRole: 'recipient' | 'sender'): EnvelopeStepEntity {
  return Object.assign(new EnvelopeStepEntity(), { step: 'downloaded', at: at(minute), byRole, bytes: 2048 });
}

const ID = '3f1c2b7e-8d4a-4c5e-9f60-1a2b3c4d5e6f';
const ACCEPTED_PROOF = {
  manifestSha256: 'cd'.repeat(32),
  acceptanceReceipt: `/v1/envelopes/${ID}/acceptance-receipt`,
};

describe('envelope item', () => {
  it('derives the status from the last step reached', () => {
    expect(statusOf(envelope())).toBe('accepted');
    expect(statusOf(envelope({ availableAt: at(1) }))).toBe('available');
    expect(statusOf(envelope({ availableAt: at(1), firstDownloadedAt: at(2) }))).toBe('downloaded');
    expect(
      statusOf(envelope({ availableAt: at(1), firstDownloadedAt: at(2), receiptVerdict: 'accepted' })),
    ).toBe('receipted');
    expect(
      statusOf(envelope({ availableAt: at(1), firstDownloadedAt: at(2), receiptVerdict: 'rejected' })),
    ).toBe('rejected');
  });

  it('ends the timeline with the recipient receipt and its proof', () => {
    const timeline = timelineOf(
      envelope({
        availableAt: at(1),
        firstDownloadedAt: at(2),
        receiptVerdict: 'rejected',
        receiptReasonCodes: ['FILE_DIGEST_MISMATCH'],
        receiptSha256: '12'.repeat(32),
        receiptReceivedAt: at(3),
        receiptedAt: at(4),
      }),
      [download(2, 'recipient')],
    );

    expect(timeline.map((entry) => entry.step)).toEqual(['accepted', 'available', 'downloaded', 'rejected']);
    expect(timeline.at(-1)).toEqual({
      step: 'rejected',
      at: at(4).toISOString(),
      by: 'recipient',
      proof: {
        receiptSha256: '12'.repeat(32),
        verdict: 'rejected',
        reasonCodes: ['FILE_DIGEST_MISMATCH'],
        receivedAt: at(3).toISOString(),
        receipt: `/v1/envelopes/${ID}/receipts/recipient`,
      },
    });
  });

  it('orders the timeline by time, with who downloaded', () => {
    const timeline = timelineOf(envelope({ availableAt: at(1) }), [
      download(5, 'sender'),
      download(3, 'recipient'),
    ]);

    expect(timeline).toEqual([
      { step: 'accepted', at: at(0).toISOString(), proof: ACCEPTED_PROOF },
      { step: 'available', at: at(1).toISOString(), proof: { objectSha256: 'ef'.repeat(32) } },
      { step: 'downloaded', at: at(3).toISOString(), by: 'recipient', proof: { bytes: 2048 } },
      { step: 'downloaded', at: at(5).toISOString(), by: 'sender', proof: { bytes: 2048 } },
    ]);
  });

  it('keeps accepted before available when both carry the same time', () => {
    const timeline = timelineOf(envelope({ acceptedAt: at(1), availableAt: at(1) }), []);

    expect(timeline.map((entry) => entry.step)).toEqual(['accepted', 'available']);
  });

  it('shows a sender re-download in the timeline without moving the status', () => {
    const item = itemOf(envelope({ availableAt: at(1) }), [download(2, 'sender')]);

    expect(item).toMatchObject({ status: 'available', downloadedAt: null, availableAt: at(1).toISOString() });
    expect(item.timeline.at(-1)).toEqual({
      step: 'downloaded',
      at: at(2).toISOString(),
      by: 'sender',
      proof: { bytes: 2048 },
    });
  });

  it('has exactly the documented fields', () => {
    const item = itemOf(envelope({ availableAt: at(1), firstDownloadedAt: at(2) }), [
      download(2, 'recipient'),
    ]);

    expect(Object.keys(item).sort()).toEqual(
      [
        'envelopeId',
        'sender',
        'recipient',
        'kind',
        'targetMonth',
        'fileSequence',
        'files',
        'objectSize',
        'status',
        'acceptedAt',
        'availableAt',
        'downloadedAt',
        'receiptedAt',
        'inboxSeq',
        'timeline',
      ].sort(),
    );
    expect(item.sender).toEqual({ officeNumber: '1310000001', serviceType: '43' });
    expect(item.files[0]).toEqual({
      name: 'UPPLAN.CSV',
      mediaType: 'text/csv',
      size: 10,
      sha256: 'ab'.repeat(32),
    });
  });

  it('carries the inbox number to the recipient only', () => {
    const numbered = envelope({ availableAt: at(1), inboxSeq: 42 });

    expect(itemOf(envelope(), []).inboxSeq).toBeNull();
    expect(itemOf(numbered, []).inboxSeq).toBe(42);
    expect(itemFor('1310000002', numbered, []).inboxSeq).toBe(42);
    expect(itemFor('1310000001', numbered, [])).toEqual({ ...itemOf(numbered, []), inboxSeq: null });
  });
});
