// The expiry job on the real PostgreSQL: a fresh, migrated registry schema; offices published through the
// directory's own service; the job's passes run with a clock the test moves. Two passes with their own
// connection pools stand for two replicas.
import { Logger } from '@nestjs/common';
import { freshDatabase, type FreshDatabase } from '@renkei/harness';
import {
  createServiceDataSource,
  MetricsRegistry,
  Outbox,
  quoteSchema,
  runMigrations,
  type AuthPrincipal,
  type PlatformConfig,
} from '@renkei/platform';
import {
  createDevCa,
  issueOfficeCertificate,
  readInfraEnv,
  uniqueName,
  type DevCredential,
} from '@renkei/testing';
import type { DataSource } from 'typeorm';
import { OfficeMasterClock } from '../office-master/office-master.clock';
import { OfficeMasterRepository } from '../office-master/office-master.repository';
import { OfficeMasterService } from '../office-master/office-master.service';
import { CreateOfficeCertificateWarning1767830400000 } from '../migrations/1767830400000-CreateOfficeCertificateWarning';
import { registryDefinition } from '../registry.definition';
import { CertificateExpiryMetrics } from './certificate-expiry.metrics';
import { DAY_MS } from './certificate-expiry.schedule';
import { CertificateExpiryService, type ExpiryPass, type RaisedWarning } from './certificate-expiry.service';
import { readPresentedCertificate } from './dto/register-office.dto';
import { OfficeCertificateWarningRepository } from './office-certificate-warning.repository';
import type { OfficeEntity } from './office.entity';
import { OfficeRepository } from './office.repository';
import type { OfficesClock } from './offices.clock';
import { OfficesService } from './offices.service';

const ca = createDevCa();
// certificates carry whole seconds: every instant here is one
const NOT_AFTER = new Date('2030-07-01T00:00:00.000Z');
const before = (notAfter: Date, days: number): Date => new Date(notAfter.getTime() - days * DAY_MS);

class MovableClock implements OfficesClock {
  constructor(public at: Date) {}
  now(): Date {
    return this.at;
  }
  uuid(): string {
    return crypto.randomUUID();
  }
}

/** one replica: its own pool, repositories, metrics and expiry service, on the shared clock */
function replica(database: FreshDatabase, clock: MovableClock) {
  const dataSource = createServiceDataSource({
    url: database.url,
    schema: registryDefinition.schema,
    entities: registryDefinition.entities,
    migrations: registryDefinition.migrations,
    poolSize: 3,
  });
  const metrics = new MetricsRegistry('registry', { defaultMetrics: false });
  const offices = new OfficeRepository(dataSource);
  const sut = new CertificateExpiryService(
    offices,
    new OfficeCertificateWarningRepository(dataSource),
    new CertificateExpiryMetrics(metrics),
    clock,
  );
  // registration without the 事業所台帳 requirement (REGISTRATION_REQUIRES_OFFICE_MASTER=false)
  const master = new OfficeMasterService(new OfficeMasterRepository(dataSource), new OfficeMasterClock());
  const config = { registration: { requiresOfficeMaster: false } } as PlatformConfig;
  const directory = new OfficesService(
    offices,
    new Outbox(registryDefinition.schema),
    clock,
    sut,
    master,
    config,
  );
  return { dataSource, metrics, sut, directory };
}

/** the warnings a pass raised for `officeNumber` (the offices of earlier tests keep their schedules) */
const raisedFor = (pass: ExpiryPass, officeNumber: string): RaisedWarning[] =>
  pass.raised.filter((warning) => warning.officeNumber === officeNumber);

async function metricValues(metrics: MetricsRegistry, name: string): Promise<Record<string, number>> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return {};
  const { values } = await metric.get();
  return Object.fromEntries(values.map((v) => [Object.values(v.labels).join(','), v.value]));
}

describe(CertificateExpiryService.name, () => {
  let database: FreshDatabase;
  const clock = new MovableClock(before(NOT_AFTER, 100));
  let one: ReturnType<typeof replica>;
  let two: ReturnType<typeof replica>;

  function certificate(officeNumber: string, notAfter: Date): DevCredential {
    return issueOfficeCertificate(ca, {
      officeNumber,
      serviceTypes: ['43'],
      keyType: 'ec',
      notBefore: new Date(notAfter.getTime() - 3 * 365 * DAY_MS),
      notAfter,
    });
  }

  /** publishes `credential` through the directory, as PUT /v1/offices/me does */
  async function publish(credential: DevCredential, officeNumber: string): Promise<void> {
    const principal: AuthPrincipal = {
      officeNumber,
      serviceTypes: ['43'],
      roles: ['office'],
      tokenId: crypto.randomUUID(),
      expiresAt: new Date(clock.at.getTime() + 900_000),
      certificateSha256: credential.fingerprint,
    };
    await one.directory.register(principal, readPresentedCertificate(credential.certificatePem));
  }

  async function stored(officeNumber: string): Promise<OfficeEntity> {
    const office = await new OfficeRepository(one.dataSource).getByNumber(officeNumber);
    if (!office) throw new Error(`office ${officeNumber} is not in the directory`);
    return office;
  }

  const warningsOf = (officeNumber: string) =>
    database.rows<{ point: number; certificate_sha256: string; raised_at: Date }>(
      `select point, certificate_sha256, raised_at from registry.office_certificate_warning
        where office_number = $1 order by raised_at, point desc`,
      [officeNumber],
    );

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await freshDatabase('registry_expiry', [registryDefinition]);
    one = replica(database, clock);
    two = replica(database, clock);
    await Promise.all([one.dataSource.initialize(), two.dataSource.initialize()]);
  });

  afterAll(async () => {
    await Promise.all([one?.dataSource.destroy(), two?.dataSource.destroy()]);
    await database?.drop();
  });

  it('raises each warning point once, at its instant, and never twice on a re-run', async () => {
    const notAfter = new Date('2030-07-01T00:00:00.000Z');
    await publish(certificate('1310000201', notAfter), '1310000201');

    clock.at = new Date(before(notAfter, 60).getTime() - 1000);
    expect((await one.sut.runOnce()).raised).toEqual([]);

    clock.at = before(notAfter, 60);
    const first = await one.sut.runOnce();
    const again = await one.sut.runOnce();
    clock.at = before(notAfter, 50);
    const later = await one.sut.runOnce();

    expect(first.raised).toEqual([{ officeNumber: '1310000201', point: 60, daysLeft: 60, notAfter }]);
    expect(again.raised).toEqual([]);
    expect(later.raised).toEqual([]);
    expect(await warningsOf('1310000201')).toEqual([
      expect.objectContaining({ point: 60, raised_at: before(notAfter, 60) }),
    ]);
    expect(await metricValues(one.metrics, 'registry_certificate_expiry_warnings_total')).toMatchObject({
      '60': 1,
    });

    const points: number[] = [];
    for (const days of [46, 32, 18, 4, 0, -30]) {
      clock.at = before(notAfter, days);
      points.push(...(await one.sut.runOnce()).raised.map((warning) => warning.point));
    }

    expect(points).toEqual([46, 32, 18, 4, 0]);
    expect((await warningsOf('1310000201')).map((row) => row.point)).toEqual([60, 46, 32, 18, 4, 0]);
    const status = await one.sut.statusOf(await stored('1310000201'));
    expect(status).toEqual({
      certificate: {
        notAfter: notAfter.toISOString(),
        daysLeft: 0,
        expiry: 'expired',
        warning: { raisedAt: notAfter.toISOString(), point: 0 },
        nextWarningAt: null,
      },
      message: '電子証明書の有効期限が切れています。新しい証明書を取得して登録してください。',
    });
  });

  it('raises a warning once when two replicas run their passes at the same time', async () => {
    const notAfter = new Date('2031-03-01T00:00:00.000Z');
    const numbers = ['1310000211', '1310000212', '1310000213'];
    for (const number of numbers) await publish(certificate(number, notAfter), number);
    clock.at = before(notAfter, 30);

    const passes = await Promise.all([one.sut.runOnce(), two.sut.runOnce(), one.sut.runOnce()]);

    const raised = passes
      .flatMap((pass) => pass.raised.map((warning) => warning.officeNumber))
      .filter((number) => numbers.includes(number))
      .sort();
    expect(raised).toEqual(numbers);
    for (const number of numbers) expect((await warningsOf(number)).map((row) => row.point)).toEqual([32]);
  });

  it('starts the schedule over when the office publishes a new certificate', async () => {
    const notAfter = new Date('2032-01-01T00:00:00.000Z');
    const renewedNotAfter = new Date('2035-01-01T00:00:00.000Z');
    const old = certificate('1310000221', notAfter);
    await publish(old, '1310000221');
    clock.at = before(notAfter, 20);
    expect(raisedFor(await one.sut.runOnce(), '1310000221')).toMatchObject([{ point: 32 }]);

    const renewed = certificate('1310000221', renewedNotAfter);
    await publish(renewed, '1310000221');
    const office = await stored('1310000221');

    expect(raisedFor(await one.sut.runOnce(), '1310000221')).toEqual([]);
    expect(await one.sut.statusOf(office)).toMatchObject({
      certificate: { expiry: 'ok', warning: null, nextWarningAt: before(renewedNotAfter, 60).toISOString() },
      message: null,
    });

    clock.at = before(renewedNotAfter, 60);
    expect(raisedFor(await one.sut.runOnce(), '1310000221')).toMatchObject([{ point: 60 }]);
    expect(await warningsOf('1310000221')).toEqual([
      expect.objectContaining({ point: 32, certificate_sha256: old.fingerprint }),
      expect.objectContaining({ point: 60, certificate_sha256: renewed.fingerprint }),
    ]);
  });

  it('sets the gauge of active offices by time left on their certificate', async () => {
    const at = new Date('2033-06-01T00:00:00.000Z');
    const offsets: [string, number][] = [
      ['1310000231', 400], // ok
      ['1310000232', 61], // ok
      ['1310000233', 45], // within_60d
      ['1310000234', 14], // within_14d
      ['1310000235', 1], // within_14d
      ['1310000236', 0], // expired
    ];
    for (const [number, days] of offsets) {
      await publish(certificate(number, new Date(at.getTime() + days * DAY_MS)), number);
    }
    clock.at = at;

    const pass = await two.sut.runOnce();

    // every office of this file counts: of the tests above, 1310000221's renewed certificate (2035) is ok,
    // the four others expired before 2033-06-01
    expect(pass.counts).toEqual({ ok: 2 + 1, within60d: 1, within14d: 2, expired: 1 + 4 });
    expect(await metricValues(two.metrics, 'registry_office_certificates')).toEqual({
      ok: 3,
      within_60d: 1,
      within_14d: 2,
      expired: 5,
    });
  });
});

describe(CreateOfficeCertificateWarning1767830400000.name, () => {
  it("fills each stored office's certificate notAfter from its certificate", async () => {
    const migrations = registryDefinition.migrations;
    const schemaName = uniqueName('registry_backfill');
    const open = (count: number): Promise<DataSource> =>
      createServiceDataSource({
        url: readInfraEnv().databaseUrl,
        schema: schemaName,
        entities: [],
        migrations: migrations.slice(0, count),
        poolSize: 1,
      }).initialize();
    const notAfter = new Date('2029-04-01T09:30:15.000Z');
    const credential = issueOfficeCertificate(ca, {
      officeNumber: '1310000241',
      serviceTypes: ['43'],
      keyType: 'rsa',
      notAfter,
    });
    const schema = quoteSchema(schemaName);
    const before = await open(2);
    try {
      await runMigrations(before);
      await before.query(
        `INSERT INTO ${schema}."office" VALUES ($1, '{43}', 'active', $2, $3, 1, now(), now())`,
        ['1310000241', Buffer.from(credential.certificate), credential.fingerprint],
      );
    } finally {
      await before.destroy();
    }
    const after = await open(3);
    try {
      expect(await runMigrations(after)).toEqual([CreateOfficeCertificateWarning1767830400000.name]);

      const rows = (await after.query(
        `SELECT "certificate_not_after" FROM ${schema}."office" WHERE "office_number" = $1`,
        ['1310000241'],
      )) as { certificate_not_after: Date }[];
      expect(rows).toEqual([{ certificate_not_after: notAfter }]);
    } finally {
      await after.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await after.destroy();
    }
  });
});
