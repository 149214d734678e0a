import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  decodeEvent,
  DownloaderRole as DownloaderRoleProto,
  EnvelopeSummarySchema,
  Topics,
} from '@renkei/contracts';
import { DownloaderRole, EnvelopeDownloadEntity } from './envelope-download.entity';
import { envelopeAvailableEvent, envelopeDownloadedEvent } from './envelope-events.util';
import { StoredEnvelopeEntity } from './stored-envelope.entity';

const AT = new Date('2026-11-24T06:00:00.000Z');
const IDS = { eventId: '5d0c7a1e-0000-4000-8000-000000000001', correlationId: 'corr-1' };

const stored = Object.assign(new StoredEnvelopeEntity(), {
  envelopeId: '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
  objectKey: 'envelopes/2026/11/0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
  objectSize: 123,
  objectSha256: 'a'.repeat(64),
  senderOfficeNumber: '1310000001',
  senderServiceType: '43',
  recipientOfficeNumber: '1310000002',
  recipientServiceType: '46',
  acceptedAt: AT,
  availableAt: AT,
});

function download(role: DownloaderRole, officeNumber: string): EnvelopeDownloadEntity {
  return Object.assign(new EnvelopeDownloadEntity(), {
    id: '5d0c7a1e-0000-4000-8000-000000000002',
    envelopeId: stored.envelopeId,
    officeNumber,
    role,
    downloadedAt: AT,
    bytes: 123,
  });
}

describe(envelopeAvailableEvent.name, () => {
  it('carries the accepted summary unchanged with the time it became available, keyed by recipient', () => {
    const summary = create(EnvelopeSummarySchema, {
      envelopeId: stored.envelopeId,
      sender: { officeNumber: '1310000001', serviceType: '43' },
      recipient: { officeNumber: '1310000002', serviceType: '46' },
      kind: 'plan',
      files: [{ name: 'UPPLAN.CSV', mediaType: 'text/csv', size: 5n, sha256: 'b'.repeat(64) }],
      objectSize: 123n,
      acceptedAt: timestampFromDate(AT),
    });

    const sut = envelopeAvailableEvent(summary, AT, IDS);

    expect(sut).toMatchObject({
      topic: Topics.storageEnvelopeAvailable.name,
      key: '1310000002',
      producer: 'storage',
      ...IDS,
    });
    const event = decodeEvent('storageEnvelopeAvailable', sut.value);
    expect(event.envelope).toEqual(summary);
    expect(event.availableAt && timestampDate(event.availableAt)).toEqual(AT);
  });
});

describe(envelopeDownloadedEvent.name, () => {
  it('names the downloading party with its role and service type, keyed by recipient', () => {
    const byRecipient = envelopeDownloadedEvent(
      stored,
      download(DownloaderRole.RECIPIENT, '1310000002'),
      IDS,
    );
    const bySender = envelopeDownloadedEvent(stored, download(DownloaderRole.SENDER, '1310000001'), IDS);

    expect(byRecipient).toMatchObject({ topic: Topics.storageEnvelopeDownloaded.name, key: '1310000002' });
    expect(bySender.key).toBe('1310000002');
    expect(decodeEvent('storageEnvelopeDownloaded', byRecipient.value)).toMatchObject({
      envelopeId: stored.envelopeId,
      downloadedBy: { officeNumber: '1310000002', serviceType: '46' },
      role: DownloaderRoleProto.RECIPIENT,
      bytes: 123n,
      recipientOfficeNumber: '1310000002',
    });
    expect(decodeEvent('storageEnvelopeDownloaded', bySender.value)).toMatchObject({
      downloadedBy: { officeNumber: '1310000001', serviceType: '43' },
      role: DownloaderRoleProto.SENDER,
    });
  });
});
