// The trust read model of a verifying service (intake, delivery): certificate.trust.changed.v1 and
// certificate.revocation.recorded.v1 applied into the service's own schema by whichever replica's consumer
// gets them, and on EVERY replica the current in-memory CachedTrustPolicy. A replica reloads on the NOTIFY the
// applying transaction sends at commit (one LISTEN connection per read model) and on a fallback poll: new
// revoked rows are added to the live RevocationSet (seq > the last loaded), and the policy is rebuilt only when
// the anchors' version changed. Until a TrustChanged was ever recorded, the anchors are TRUST_ANCHORS_PEM's
// (version 0). Nothing personal is logged or measured: counts, versions and lags only.
import {
  CachedTrustPolicy,
  RevocationSet,
  snapshotFromPem,
  type TrustAnchorSpec,
  type TrustRole,
} from '@renkei/envelope';
import { decodeEvent, Topics } from '@renkei/contracts';
import { Registry, type Gauge, type Histogram } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { PgNotificationListener } from '../database/pg-notification-listener';
import { gaugeOn, histogramOn } from '../messaging/metric.util';
import { stderrLogger, type PlatformLogger } from '../messaging/platform-logger';
import { WakeSignal } from '../outbox/wake-signal';
import type { EventConsumers } from '../service/event-consumers';
import { revocationOf, trustChangeOf, type RevocationRow, type TrustChange } from './trust-events.util';
import { TrustViewRepository } from './trust-view.repository';
import { trustChannelOf } from './trust-view.tables';

/** the two consumer groups, `<service>.trust` and `<service>.revocations` (libs/contracts topics.ts) */
export interface TrustConsumerGroups {
  readonly trust: string;
  readonly revocations: string;
}

export interface TrustReadModelOptions {
  readonly dataSource: DataSource;
  readonly schema: string;
  /** the service, for the metric names (`renkei_<service>_trust_version`, …) */
  readonly service: string;
  readonly consumers: EventConsumers;
  readonly groups: TrustConsumerGroups;
  /** TRUST_ANCHORS_PEM: the anchors until the first TrustChanged is recorded */
  readonly fallbackPem: string | undefined;
  /** TRUST_ANCHOR_ROLES: the roles certificates under the fallback anchors may hold */
  readonly fallbackRoles: readonly TrustRole[];
  /** fallback poll when no notification arrives (TRUST_REFRESH_INTERVAL_MS, default 2 s) */
  readonly refreshIntervalMs?: number;
  /** certificates the policy caches (default: the policy's) */
  readonly maxCachedCertificates?: number;
  readonly registry?: Registry;
  readonly logger?: PlatformLogger;
}

/** revoked rows read per query */
const LOAD_BATCH = 10_000;

export class TrustReadModel {
  private readonly repository: TrustViewRepository;
  private readonly logger: PlatformLogger;
  private readonly refreshIntervalMs: number;
  // one set for the life of the process: every policy built here reads it, so an added key is refused at once
  private readonly revocations = new RevocationSet();
  private current: CachedTrustPolicy;
  private loadedVersion = -1;
  private lastSeq = 0;
  private initialLoadDone = false;
  private refreshing: Promise<void> = Promise.resolve();
  private running = false;
  private loop?: Promise<void>;
  private readonly wakeSignal = new WakeSignal();
  private readonly listener: PgNotificationListener;
  private readonly versionGauge: Gauge;
  private readonly knownGauge: Gauge;
  private readonly lag: Histogram;

  constructor(private readonly options: TrustReadModelOptions) {
    this.repository = new TrustViewRepository(options.dataSource, options.schema);
    this.logger = options.logger ?? stderrLogger;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 2000;
    this.current = this.build(0, this.fallbackAnchors());
    const registry = options.registry ?? new Registry();
    const prefix = `renkei_${options.service}`;
    this.versionGauge = gaugeOn(
      registry,
      `${prefix}_trust_version`,
      'Version of the trust configuration this replica validates with (0: TRUST_ANCHORS_PEM).',
      [],
    );
    this.knownGauge = gaugeOn(
      registry,
      `${prefix}_revocations_known`,
      'Revoked certificates this replica refuses.',
      [],
    );
    this.lag = histogramOn(
      registry,
      `${prefix}_revocation_apply_lag_seconds`,
      'Time from the certificate service recording a revocation to it being refused by this replica.',
      [],
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    );
    this.listener = new PgNotificationListener({
      dataSource: options.dataSource,
      channel: trustChannelOf(options.schema),
      label: 'Trust',
      schema: options.schema,
      logger: this.logger,
      onNotification: () => this.wakeSignal.wake(),
      // whatever was committed while no connection listened
      onListening: () => this.wakeSignal.wake(),
    });
  }

  /** the policy to validate with now; replaced when the anchors change, its revocations live */
  get policy(): CachedTrustPolicy {
    return this.current;
  }

  /** the trust configuration version of `policy` (0: TRUST_ANCHORS_PEM) */
  get version(): number {
    return this.current.snapshot.version;
  }

  /** Nest: register the consumers before they start, and load the model before the service takes requests. */
  async onModuleInit(): Promise<void> {
    this.register();
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Registers the two consumers on the service's EventConsumers. */
  register(): void {
    const { consumers, groups } = this.options;
    consumers.register<TrustChange>({
      groupId: groups.trust,
      topic: Topics.certificateTrustChanged.name,
      // an event that breaks the contract goes to the DLQ as undecodable
      decode: (value) => trustChangeOf(decodeEvent('certificateTrustChanged', value)),
      apply: (change, manager) => this.applyChange(change, manager),
    });
    consumers.register<RevocationRow>({
      groupId: groups.revocations,
      topic: Topics.certificateRevocationRecorded.name,
      decode: (value) => revocationOf(decodeEvent('certificateRevocationRecorded', value)),
      apply: (revocation, manager) => this.applyRevocation(revocation, manager),
    });
  }

  /** Loads the model (a failure here fails the boot: nothing is verified against unknown trust), then follows it. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.refresh();
    this.running = true;
    await this.listener.listen();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeSignal.wake();
    await this.loop;
    this.loop = undefined;
    await this.listener.unlisten();
  }

  /** Loads what changed since the last load; concurrent calls run one after the other. */
  refresh(): Promise<void> {
    const next = this.refreshing.catch(() => undefined).then(() => this.load());
    this.refreshing = next;
    return next;
  }

  private async applyChange(change: TrustChange, manager: EntityManager): Promise<void> {
    const replaced = await this.repository.replaceAnchors(manager, change);
    this.logger.info(
      { schema: this.options.schema, version: change.version, anchors: change.anchors.length, replaced },
      replaced
        ? 'Trust configuration recorded.'
        : 'Trust configuration not newer than the recorded one; ignored.',
    );
  }

  private async applyRevocation(revocation: RevocationRow, manager: EntityManager): Promise<void> {
    await this.repository.insertRevocation(manager, revocation);
  }

  private async load(): Promise<void> {
    const version = await this.repository.version();
    if (version !== this.loadedVersion) {
      const loaded = await this.repository.anchors();
      const anchors: readonly TrustAnchorSpec[] =
        loaded.version === 0
          ? this.fallbackAnchors()
          : loaded.anchors.map((anchor) => ({
              anchorId: anchor.anchorId,
              certificateDer: new Uint8Array(anchor.certificateDer),
              profile: anchor.profile,
              active: anchor.active,
            }));
      this.current = this.build(loaded.version, anchors);
      this.loadedVersion = loaded.version;
      this.versionGauge.set(loaded.version);
      this.logger.info(
        {
          schema: this.options.schema,
          version: loaded.version,
          anchors: anchors.length,
          active: anchors.filter((anchor) => anchor.active).length,
        },
        'Trust configuration loaded.',
      );
    }
    await this.loadRevocations();
  }

  private async loadRevocations(): Promise<void> {
    let added = 0;
    for (;;) {
      const rows = await this.repository.revocationsAfter(this.lastSeq, LOAD_BATCH);
      const now = Date.now();
      for (const row of rows) {
        this.revocations.add(row.issuerNameSha256, row.serialNumber);
        // the boot load's lags would measure the process's age, not propagation
        if (this.initialLoadDone) this.lag.observe(Math.max(0, (now - row.recordedAt.getTime()) / 1000));
        this.lastSeq = row.seq;
      }
      added += rows.length;
      if (rows.length < LOAD_BATCH) break;
    }
    this.knownGauge.set(this.revocations.size);
    if (!this.initialLoadDone || added > 0) {
      this.logger.debug(
        { schema: this.options.schema, added, known: this.revocations.size },
        'Revocations loaded.',
      );
    }
    this.initialLoadDone = true;
  }

  private build(version: number, anchors: readonly TrustAnchorSpec[]): CachedTrustPolicy {
    return new CachedTrustPolicy(
      { version, anchors, revocations: this.revocations },
      this.options.maxCachedCertificates,
    );
  }

  // TrustPolicy.fromPem's anchors (version 0)
  private fallbackAnchors(): readonly TrustAnchorSpec[] {
    return snapshotFromPem(this.options.fallbackPem, this.options.fallbackRoles).anchors;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.wakeSignal.wait(this.refreshIntervalMs);
      if (!this.running) break;
      try {
        if (!this.listener.listening) await this.listener.listen();
        await this.refresh();
      } catch (error) {
        this.logger.warn(
          { schema: this.options.schema, err: String(error) },
          'Trust read model refresh failed; will retry.',
        );
      }
    }
  }
}
