// The trust read model on real PostgreSQL and Kafka: TrustChanged and CertificateRevoked applied through the
// inbox by one replica's consumers, and two replicas (two DataSources on one schema, each with its own LISTEN)
// following it in memory. The fallback poll is set far out, so what the replicas see in time came by NOTIFY.
import { CertificatePolicyErrorCode, type CertificateRef } from '@renkei/envelope';
import {
  createDevCa,
  expectEventually,
  issueOfficeCertificate,
  readInfraEnv,
  uniqueName,
  type DevCredential,
} from '@renkei/testing';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createServiceDataSource, runMigrations, schemaOf } from '../database/service-data-source';
import type { OutgoingMessage } from '../messaging/event-bus';
import { createTestTopics, deleteTestTopics } from '../messaging/fixtures/kafka-topics';
import { KafkaEventBus } from '../messaging/kafka-event-bus';
import { silentLogger } from '../messaging/platform-logger';
import { Inbox } from '../outbox/inbox';
import { createOutboxTables, dropOutboxTables } from '../outbox/outbox.tables';
import { EventConsumers } from '../service/event-consumers';
import { certificateRevokedMessage, trustChangedMessage } from './fixtures/trust-events.fixture';
import { TrustReadModel } from './trust-read-model';
import { createTrustViewTables, dropTrustViewTables } from './trust-view.tables';

class CreateTrustTestSchema1700000000000 implements MigrationInterface {
  name = 'CreateTrustTestSchema1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createOutboxTables(queryRunner, schemaOf(queryRunner));
    await createTrustViewTables(queryRunner, schemaOf(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropTrustViewTables(queryRunner, schemaOf(queryRunner));
    await dropOutboxTables(queryRunner, schemaOf(queryRunner));
  }
}

const TOPICS = ['certificate.trust.changed.v1', 'certificate.revocation.recorded.v1'];
const GROUPS = { trust: 'intake.trust', revocations: 'intake.revocations' };
const SOON = { timeoutMs: 30_000 };

const pemCa = createDevCa();
const caOne = createDevCa();
const caTwo = createDevCa({ keyType: 'rsa' });
const ANCHOR_ONE = randomUUID();
const ANCHOR_TWO = randomUUID();
const office = (ca: DevCredential, officeNumber: string): DevCredential =>
  issueOfficeCertificate(ca, { officeNumber, serviceTypes: ['43'], keyType: 'ec' });
const underPem = office(pemCa, '1310000001');
const underOne = office(caOne, '1310000002');
const revokedUnderOne = office(caOne, '1310000003');
const underTwo = office(caTwo, '1310000004');
const ref = (credential: DevCredential): CertificateRef => ({
  der: credential.certificate,
  sha256: credential.fingerprint,
});

describe(TrustReadModel.name, () => {
  const infra = readInfraEnv();
  const schema = uniqueName('trust_rm').replace(/-/g, '_');
  const topicPrefix = `${uniqueName('t')}.`;
  const dataSources: DataSource[] = [];
  const registries = [new Registry(), new Registry()];
  let bus: KafkaEventBus;
  let consumers: EventConsumers;
  let replicas: TrustReadModel[];

  const dataSource = (applicationName = 'renkei-trust-it'): DataSource => {
    const created = createServiceDataSource({
      url: infra.databaseUrl,
      schema,
      entities: [],
      migrations: [CreateTrustTestSchema1700000000000],
      poolSize: 3,
      applicationName,
    });
    dataSources.push(created);
    return created;
  };
  const replica = (source: DataSource, registry: Registry, refreshIntervalMs = 600_000): TrustReadModel =>
    new TrustReadModel({
      dataSource: source,
      schema,
      service: 'intake',
      consumers,
      groups: GROUPS,
      fallbackPem: pemCa.certificatePem,
      fallbackRoles: ['office'],
      // by default far beyond the test's patience: changes must arrive by NOTIFY
      refreshIntervalMs,
      registry,
      logger: silentLogger,
    });
  const publish = (message: OutgoingMessage): Promise<void> => bus.publish([message]);
  const rows = <T>(sql: string, params: unknown[] = []): Promise<T[]> => dataSources[0].query(sql, params);
  const processed = async (group: string): Promise<number> => {
    const [row] = await rows<{ count: number }>(
      `select count(*)::int as count from "${schema}".inbox_event where consumer_group = $1`,
      [group],
    );
    return row.count;
  };
  const refusal = (model: TrustReadModel, credential: DevCredential): string | undefined => {
    try {
      model.policy.validate(ref(credential), [], { at: new Date() });
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  };

  beforeAll(async () => {
    const first = dataSource();
    await first.initialize();
    await runMigrations(first);
    const second = dataSource();
    await second.initialize();
    await createTestTopics(infra.kafkaBrokers, topicPrefix, TOPICS, 3);
    bus = new KafkaEventBus({
      brokers: infra.kafkaBrokers,
      clientId: 'trust-read-model-it',
      topicPrefix,
      logger: silentLogger,
      metricsIntervalMs: 0,
    });
    consumers = new EventConsumers(bus, new Inbox(first, schema));
    replicas = [replica(first, registries[0]), replica(second, registries[1])];
    // only the first replica consumes (as when Kafka assigns it the partitions); both follow
    replicas[0].register();
    await Promise.all(replicas.map((model) => model.start()));
    await consumers.start();
  }, 60_000);

  afterAll(async () => {
    await consumers?.stop();
    await Promise.all((replicas ?? []).map((model) => model.stop()));
    await bus?.close();
    await deleteTestTopics(infra.kafkaBrokers, topicPrefix);
    await dataSources[0]?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await Promise.all(dataSources.map((source) => source.destroy()));
  });

  it('validates with TRUST_ANCHORS_PEM (version 0) until a TrustChanged is recorded', () => {
    for (const model of replicas) {
      expect(model.version).toBe(0);
      expect(refusal(model, underPem)).toBeUndefined();
      expect(refusal(model, underOne)).toBe(CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED);
    }
  });

  it('replaces the anchors with a newer TrustChanged on every replica; an older one and a redelivery change nothing', async () => {
    const v2 = trustChangedMessage(2, [
      { anchorId: ANCHOR_ONE, certificateDer: caOne.certificate },
      { anchorId: ANCHOR_TWO, certificateDer: caTwo.certificate },
    ]);
    await publish(v2);

    await expectEventually(() => {
      for (const model of replicas) {
        expect(model.version).toBe(2);
        expect(refusal(model, underOne)).toBeUndefined();
        expect(refusal(model, underTwo)).toBeUndefined();
        // TRUST_ANCHORS_PEM no longer counts once the certificate service published a configuration
        expect(refusal(model, underPem)).toBe(CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED);
      }
    }, SOON);

    // older version, the same version again, and the same event redelivered
    await publish(trustChangedMessage(1, [{ anchorId: ANCHOR_ONE, certificateDer: pemCa.certificate }]));
    await publish(trustChangedMessage(2, [{ anchorId: ANCHOR_ONE, certificateDer: pemCa.certificate }]));
    await publish(v2);
    await expectEventually(async () => expect(await processed(GROUPS.trust)).toBe(3), SOON);

    const anchors = await rows<{ anchor_id: string; trust_version: string; active: boolean }>(
      `select anchor_id, trust_version, active from "${schema}".trust_anchor_view order by anchor_id`,
    );
    expect(anchors).toEqual(
      [ANCHOR_ONE, ANCHOR_TWO]
        .sort()
        .map((anchorId) => ({ anchor_id: anchorId, trust_version: '2', active: true })),
    );
    const [state] = await rows<{ version: string }>(`select version from "${schema}".trust_view_state`);
    expect(state.version).toBe('2');
    for (const model of replicas) {
      await model.refresh();
      expect(model.version).toBe(2);
      expect(refusal(model, underOne)).toBeUndefined();
    }
  });

  it('makes both replicas refuse a certificate shortly after one revocation event, once however often it arrives', async () => {
    for (const model of replicas) expect(refusal(model, revokedUnderOne)).toBeUndefined();
    const revoked = certificateRevokedMessage(revokedUnderOne.certificate, {
      anchorId: ANCHOR_ONE,
      trustVersion: 2,
    });

    await publish(revoked);

    await expectEventually(() => {
      for (const model of replicas) {
        expect(refusal(model, revokedUnderOne)).toBe(CertificatePolicyErrorCode.CERTIFICATE_REVOKED);
      }
    }, SOON);
    for (const model of replicas) expect(refusal(model, underOne)).toBeUndefined();

    // the same revocation again: a redelivery (same event id) and a re-publication (new event id)
    await publish(revoked);
    await publish(
      certificateRevokedMessage(revokedUnderOne.certificate, { anchorId: ANCHOR_ONE, trustVersion: 2 }),
    );
    await expectEventually(async () => expect(await processed(GROUPS.revocations)).toBe(2), SOON);
    const revokedRows = await rows<{ count: number }>(
      `select count(*)::int as count from "${schema}".revoked_certificate_view`,
    );
    expect(revokedRows).toEqual([{ count: 1 }]);
    for (const [index, model] of replicas.entries()) {
      await model.refresh();
      expect(refusal(model, revokedUnderOne)).toBe(CertificatePolicyErrorCode.CERTIFICATE_REVOKED);
      const known = await registries[index].getSingleMetric('renkei_intake_revocations_known')?.get();
      expect(known?.values[0]?.value).toBe(1);
      const lag = await registries[index]
        .getSingleMetric('renkei_intake_revocation_apply_lag_seconds')
        ?.get();
      expect(
        (lag?.values as { metricName?: string; value: number }[] | undefined)?.find((value) =>
          value.metricName?.endsWith('_count'),
        )?.value,
      ).toBe(1);
    }
  });

  it('refuses certificates under an anchor the next version retires', async () => {
    await publish(
      trustChangedMessage(3, [
        { anchorId: ANCHOR_ONE, certificateDer: caOne.certificate, active: false },
        { anchorId: ANCHOR_TWO, certificateDer: caTwo.certificate },
      ]),
    );

    await expectEventually(() => {
      for (const model of replicas) {
        expect(model.version).toBe(3);
        expect(refusal(model, underOne)).toBe(CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED);
        expect(refusal(model, underTwo)).toBeUndefined();
        // the revocations outlive the rebuild of the policy
        expect(model.policy.snapshot.revocations.size).toBe(1);
      }
    }, SOON);
    const version = await registries[1].getSingleMetric('renkei_intake_trust_version')?.get();
    expect(version?.values[0]?.value).toBe(3);
  });

  it('loads everything recorded before it starts (a replica that boots late)', async () => {
    const late = replica(dataSource(), new Registry());
    await dataSources[dataSources.length - 1].initialize();
    await late.start();
    try {
      expect(late.version).toBe(3);
      expect(refusal(late, underTwo)).toBeUndefined();
      expect(refusal(late, underOne)).toBe(CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED);
      expect(late.policy.snapshot.revocations.size).toBe(1);
    } finally {
      await late.stop();
    }
  });

  it('keeps following after its LISTEN connection is killed', async () => {
    const applicationName = uniqueName('trust-listener');
    const source = dataSource(applicationName);
    await source.initialize();
    const follower = replica(source, new Registry(), 200);
    await follower.start();
    try {
      const [killed] = await rows<{ killed: boolean }>(
        `select pg_terminate_backend(pid) as killed from pg_stat_activity
          where application_name = $1 and query like 'LISTEN%'`,
        [applicationName],
      );
      expect(killed).toEqual({ killed: true });
      const later = office(caTwo, '1310000005');
      expect(refusal(follower, later)).toBeUndefined();

      await publish(certificateRevokedMessage(later.certificate, { anchorId: ANCHOR_TWO, trustVersion: 3 }));

      await expectEventually(
        () => expect(refusal(follower, later)).toBe(CertificatePolicyErrorCode.CERTIFICATE_REVOKED),
        SOON,
      );
      // listening again: a LISTEN backend of this replica is back
      await expectEventually(async () => {
        const listening = await rows<{ count: number }>(
          `select count(*)::int as count from pg_stat_activity where application_name = $1 and query like 'LISTEN%'`,
          [applicationName],
        );
        expect(listening).toEqual([{ count: 1 }]);
      }, SOON);
    } finally {
      await follower.stop();
    }
  });
});
