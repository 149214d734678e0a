import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { encodeEvent, EnvelopeSummarySchema, type EnvelopeSummary } from '@renkei/contracts';
import { decodeAcceptedEnvelope } from './accepted-envelope.util';

function summary(overrides: Partial<Omit<EnvelopeSummary, '$typeName'>> = {}): EnvelopeSummary {
  return create(EnvelopeSummarySchema, {
    envelopeId: '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
    sender: { officeNumber: '1310000001', serviceType: '43' },
    recipient: { officeNumber: '1310000002', serviceType: '46' },
    kind: 'plan',
    objectKey: 'envelopes/2026/11/0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
    objectSize: 123n,
    objectSha256: 'a'.repeat(64),
    acceptedAt: timestampFromDate(new Date('2026-11-24T06:00:00Z')),
    ...overrides,
  });
}

const accepted = (envelope: EnvelopeSummary) =>
  encodeEvent(
    'intakeEnvelopeAccepted',
    { eventId: '5d0c7a1e-0000-4000-8000-000000000001', producer: 'intake' },
    { envelope },
  ).value;

describe(decodeAcceptedEnvelope.name, () => {
  it('returns the accepted envelope summary', () => {
    const envelope = summary();

    expect(decodeAcceptedEnvelope(accepted(envelope))).toEqual(envelope);
  });

  it('refuses bytes that are not an EnvelopeAccepted, or one without an envelope', () => {
    expect(() => decodeAcceptedEnvelope(Uint8Array.from([0xff, 0xff, 0xff]))).toThrow();
    expect(() => decodeAcceptedEnvelope(new Uint8Array())).toThrow('no envelope');
  });

  it('refuses an envelope missing a field storage relies on', () => {
    expect(() => decodeAcceptedEnvelope(accepted(summary({ envelopeId: 'x' })))).toThrow('UUID');
    expect(() => decodeAcceptedEnvelope(accepted(summary({ recipient: undefined })))).toThrow('recipient');
    expect(() => decodeAcceptedEnvelope(accepted(summary({ objectSha256: 'zz' })))).toThrow('SHA-256');
    expect(() => decodeAcceptedEnvelope(accepted(summary({ objectSize: 0n })))).toThrow('object_size');
    expect(() => decodeAcceptedEnvelope(accepted(summary({ acceptedAt: undefined })))).toThrow('accepted_at');
    expect(() => decodeAcceptedEnvelope(accepted(summary({ objectKey: '../etc/passwd' })))).toThrow();
  });
});
