import { Logger } from '@nestjs/common';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EnvelopeSummarySchema } from '@renkei/contracts';
import {
  PermanentMessageError,
  type AuthPrincipal,
  type ObjectInfo,
  type ObjectStore,
  type Outbox,
} from '@renkei/platform';
import type { EntityManager } from 'typeorm';
import type { EnvelopeDownloadRepository } from './envelope-download.repository';
import { EnvelopesError, EnvelopesErrorCode } from './envelopes.errors';
import { EnvelopesService } from './envelopes.service';
import type { StorageClock } from './storage.clock';
import { StoredEnvelopeEntity } from './stored-envelope.entity';
import type { StoredEnvelopeRepository } from './stored-envelope.repository';

const AT = new Date('2026-11-24T06:00:00.000Z');
const KEY = 'envelopes/2026/11/0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a';

const summary = create(EnvelopeSummarySchema, {
  envelopeId: '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
  sender: { officeNumber: '1310000001', serviceType: '43' },
  recipient: { officeNumber: '1310000002', serviceType: '46' },
  objectKey: KEY,
  objectSize: 123n,
  objectSha256: 'a'.repeat(64),
  acceptedAt: timestampFromDate(AT),
});

const stored = Object.assign(new StoredEnvelopeEntity(), {
  envelopeId: summary.envelopeId,
  objectKey: KEY,
  objectSize: 123,
  objectSha256: 'a'.repeat(64),
  senderOfficeNumber: '1310000001',
  senderServiceType: '43',
  recipientOfficeNumber: '1310000002',
  recipientServiceType: '46',
  acceptedAt: AT,
  availableAt: AT,
});

function principal(officeNumber: string): AuthPrincipal {
  return {
    officeNumber,
    serviceTypes: ['43'],
    roles: ['office'],
    tokenId: 't-1',
    expiresAt: AT,
    certificateSha256: 'c'.repeat(64),
  };
}

function setup(options: { object?: ObjectInfo | null; existing?: StoredEnvelopeEntity | null } = {}) {
  const mocks = {
    envelopes: {
      getById: jest.fn(async () => stored),
      insertOrGet: jest.fn(async () => options.existing ?? null),
    },
    downloads: { transaction: jest.fn(), create: jest.fn() },
    objects: {
      stat: jest.fn(async () =>
        options.object === undefined ? { key: KEY, size: 123, lastModified: AT } : options.object,
      ),
      get: jest.fn(),
    },
    outbox: { add: jest.fn(async () => undefined) },
    clock: { now: () => AT, uuid: () => '5d0c7a1e-0000-4000-8000-000000000001' },
  };
  const sut = new EnvelopesService(
    mocks.envelopes as unknown as StoredEnvelopeRepository,
    mocks.downloads as unknown as EnvelopeDownloadRepository,
    mocks.objects as unknown as ObjectStore,
    mocks.outbox as unknown as Outbox,
    mocks.clock as StorageClock,
  );
  return { sut, mocks, manager: {} as EntityManager };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe(EnvelopesService.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('stores an accepted envelope whose object is in the bucket and announces it', async () => {
    const { sut, mocks, manager } = setup();

    await sut.registerAccepted(summary, manager, 'corr-1');

    expect(mocks.envelopes.insertOrGet).toHaveBeenCalledWith(
      manager,
      expect.objectContaining({ envelopeId: summary.envelopeId, objectSize: 123, availableAt: AT }),
    );
    expect(mocks.outbox.add).toHaveBeenCalledWith(manager, [
      expect.objectContaining({ key: '1310000002', correlationId: 'corr-1' }),
    ]);
  });

  it('sends an acceptance whose object is missing or of another size to the DLQ as object-missing', async () => {
    for (const object of [null, { key: KEY, size: 122, lastModified: AT }]) {
      const { sut, mocks, manager } = setup({ object });

      const error = await errorOf(sut.registerAccepted(summary, manager));

      expect(error).toBeInstanceOf(PermanentMessageError);
      expect((error as PermanentMessageError).reason).toBe('object-missing');
      expect(mocks.envelopes.insertOrGet).not.toHaveBeenCalled();
    }
  });

  it('announces an envelope once even when its acceptance arrives again under another event id', async () => {
    const { sut, mocks, manager } = setup({ existing: stored });

    await sut.registerAccepted(summary, manager);

    expect(mocks.outbox.add).not.toHaveBeenCalled();
  });

  it('answers ENVELOPE_NOT_FOUND to an office that is neither party, without reading the object', async () => {
    const { sut, mocks } = setup();

    const error = await errorOf(sut.open(summary.envelopeId, principal('1310000003')));

    expect(error).toBeInstanceOf(EnvelopesError);
    expect((error as EnvelopesError).code).toBe(EnvelopesErrorCode.ENVELOPE_NOT_FOUND);
    expect(mocks.objects.get).not.toHaveBeenCalled();
  });
});
