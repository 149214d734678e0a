import { decodeEvent, DownloaderRole } from '@renkei/contracts';
import { PermanentMessageError } from '@renkei/platform';
import { recordOfAccepted, recordOfAvailable, recordOfDownloaded } from './envelope-event.mapper';
import { acceptedEvent, availableEvent, downloadedEvent } from './fixtures/envelope-events.fixture';

const ID = '3f1c2b7e-8d4a-4c5e-9f60-1a2b3c4d5e6f';

function reasonOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof PermanentMessageError) return error.reason;
    throw error;
  }
  throw new Error('expected a permanent error');
}

describe('envelope event mapping', () => {
  it('records an acceptance without available_at', () => {
    const event = decodeEvent(
      'intakeEnvelopeAccepted',
      acceptedEvent({ envelopeId: ID.toUpperCase() }).value,
    );

    expect(recordOfAccepted(event)).toMatchObject({
      envelopeId: ID,
      senderOfficeNumber: '1310000001',
      recipientServiceType: '46',
      objectSize: 4096,
      files: [{ size: 1234, mediaType: 'text/csv' }],
      acceptedAt: new Date('2026-11-24T06:00:00.000Z'),
      availableAt: null,
    });
  });

  it('records availability with its time', () => {
    const at = new Date('2026-11-24T07:00:00.000Z');
    const event = decodeEvent(
      'storageEnvelopeAvailable',
      availableEvent({ envelopeId: ID, availableAt: at }).value,
    );

    expect(recordOfAvailable(event).availableAt).toEqual(at);
  });

  it('records who downloaded', () => {
    const event = decodeEvent(
      'storageEnvelopeDownloaded',
      downloadedEvent({ envelopeId: ID, by: 'sender' }).value,
    );

    expect(recordOfDownloaded(event, 'e1')).toMatchObject({
      eventId: 'e1',
      envelopeId: ID,
      byRole: 'sender',
      byOfficeNumber: '1310000001',
      bytes: 4096,
    });
  });

  it('sends events that can never apply to the DLQ', () => {
    const accepted = decodeEvent('intakeEnvelopeAccepted', acceptedEvent({ envelopeId: 'nope' }).value);
    const noEnvelope = { ...accepted, envelope: undefined };
    const download = decodeEvent(
      'storageEnvelopeDownloaded',
      downloadedEvent({ envelopeId: ID, by: 'sender' }).value,
    );

    expect(reasonOf(() => recordOfAccepted(accepted))).toBe('invalid-event');
    expect(reasonOf(() => recordOfAccepted(noEnvelope))).toBe('invalid-event');
    expect(reasonOf(() => recordOfDownloaded({ ...download, role: DownloaderRole.UNSPECIFIED }, 'e'))).toBe(
      'invalid-event',
    );
    expect(reasonOf(() => recordOfDownloaded({ ...download, downloadedAt: undefined }, 'e'))).toBe(
      'invalid-event',
    );
  });
});
