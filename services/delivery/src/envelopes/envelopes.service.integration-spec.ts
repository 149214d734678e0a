// The consumers' effects on the real PostgreSQL, raced the way three consumer groups race in production:
// an envelope's row and its recipient download written by concurrent transactions.
import { freshDatabase, type FreshDatabase } from '@renkei/harness';
import { createServiceDataSource } from '@renkei/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { deliveryDefinition } from '../delivery.definition';
import { EnvelopeRepository, type EnvelopeRecord } from './envelope.repository';
import { EnvelopesService } from './envelopes.service';

function record(envelopeId: string, availableAt: Date | null): EnvelopeRecord {
  return {
    envelopeId,
    senderOfficeNumber: '1310000001',
    senderServiceType: '43',
    recipientOfficeNumber: '1310000002',
    recipientServiceType: '46',
    kind: 'plan',
    targetMonth: '202612',
    fileSequence: '20261124060000',
    files: [],
    manifestSha256: 'cd'.repeat(32),
    objectSha256: 'ef'.repeat(32),
    objectSize: 10,
    acceptedAt: new Date('2026-11-24T06:00:00.000Z'),
    availableAt,
  };
}

describe(EnvelopesService.name, () => {
  let database: FreshDatabase;
  let dataSource: DataSource;
  let sut: EnvelopesService;
  let repository: EnvelopeRepository;

  beforeAll(async () => {
    database = await freshDatabase('delivery_svc', [deliveryDefinition]);
    dataSource = createServiceDataSource({
      url: database.url,
      schema: deliveryDefinition.schema,
      entities: [...deliveryDefinition.entities],
      migrations: [],
      poolSize: 8,
    });
    await dataSource.initialize();
    repository = new EnvelopeRepository(dataSource);
    sut = new EnvelopesService(repository);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('never loses a recipient download that races the envelope row', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const downloadedAt = new Date('2026-11-24T06:05:00.000Z');

    await Promise.all(
      ids.flatMap((envelopeId) => [
        dataSource.transaction((manager) =>
          sut.recordEnvelope(manager, record(envelopeId, new Date('2026-11-24T06:00:01.000Z'))),
        ),
        dataSource.transaction((manager) =>
          sut.recordDownload(manager, {
            eventId: randomUUID(),
            envelopeId,
            at: downloadedAt,
            byOfficeNumber: '1310000002',
            byServiceType: '46',
            byRole: 'recipient',
            bytes: 10,
          }),
        ),
      ]),
    );

    for (const envelopeId of ids) {
      expect((await repository.getById(envelopeId))?.firstDownloadedAt).toEqual(downloadedAt);
    }
  });

  it('keeps the first available_at and the earliest recipient download', async () => {
    const envelopeId = randomUUID();
    const download = (at: string, byRole: 'recipient' | 'sender') =>
      dataSource.transaction((manager) =>
        sut.recordDownload(manager, {
          eventId: randomUUID(),
          envelopeId,
          at: new Date(at),
          byOfficeNumber: '1310000002',
          byServiceType: '46',
          byRole,
          bytes: 10,
        }),
      );

    await dataSource.transaction((manager) => sut.recordEnvelope(manager, record(envelopeId, null)));
    await dataSource.transaction((manager) =>
      sut.recordEnvelope(manager, record(envelopeId, new Date('2026-11-24T06:00:01.000Z'))),
    );
    await dataSource.transaction((manager) =>
      sut.recordEnvelope(manager, record(envelopeId, new Date('2026-11-24T08:00:00.000Z'))),
    );
    await download('2026-11-24T06:03:00.000Z', 'sender');
    await download('2026-11-24T06:09:00.000Z', 'recipient');
    await download('2026-11-24T06:07:00.000Z', 'recipient');

    const row = await repository.getById(envelopeId);
    expect(row).toMatchObject({
      availableAt: new Date('2026-11-24T06:00:01.000Z'),
      firstDownloadedAt: new Date('2026-11-24T06:07:00.000Z'),
    });
    expect(await repository.stepsOf([envelopeId])).toHaveLength(3);
  });
});
