import { Inject, Injectable } from '@nestjs/common';
import { Outbox, quoteSchema, schemaOf, type OutboxEventInput } from '@renkei/platform';
import { DataSource, EntityManager } from 'typeorm';
import { RevokedCertificateEntity } from './revoked-certificate.entity';
import { TrustAnchorEntity } from './trust-anchor.entity';
import { TrustCrlEntity } from './trust-crl.entity';
import { TrustStateEntity } from './trust-state.entity';

/** Reads and writes of one trust change, inside the transaction that holds the trust_state row lock. */
export class TrustSession {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: Outbox,
    /** the version before this change */
    readonly version: bigint,
  ) {}

  anchors(): Promise<TrustAnchorEntity[]> {
    return this.manager.find(TrustAnchorEntity, { order: { addedAt: 'ASC', id: 'ASC' } });
  }

  anchorById(id: string): Promise<TrustAnchorEntity | null> {
    return this.manager.findOneBy(TrustAnchorEntity, { id });
  }

  anchorBySha256(certificateSha256: string): Promise<TrustAnchorEntity | null> {
    return this.manager.findOneBy(TrustAnchorEntity, { certificateSha256 });
  }

  async saveAnchor(anchor: TrustAnchorEntity): Promise<void> {
    await this.manager.save(TrustAnchorEntity, anchor);
  }

  crls(): Promise<TrustCrlEntity[]> {
    return this.manager.find(TrustCrlEntity);
  }

  crlOf(anchorId: string): Promise<TrustCrlEntity | null> {
    return this.manager.findOneBy(TrustCrlEntity, { anchorId });
  }

  async saveCrl(crl: TrustCrlEntity): Promise<void> {
    await this.manager.save(TrustCrlEntity, crl);
  }

  /** inserts the entries not yet recorded (one statement, primary key conflict skipped); returns the new ones */
  async insertRevocations(entries: readonly RevokedCertificateEntity[]): Promise<RevokedCertificateEntity[]> {
    if (entries.length === 0) return [];
    const inserted: { issuer_name_sha256: string; serial_number: string }[] = await this.manager.query(
      `INSERT INTO ${this.table(RevokedCertificateEntity)}
         ("issuer_name_sha256", "serial_number", "revoked_at", "reason", "anchor_id", "recorded_at", "trust_version")
       SELECT e.issuer, e.serial, e.revoked_at, e.reason, $5::uuid, $6::timestamptz, $7::bigint
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[]) AS e(issuer, serial, revoked_at, reason)
       ON CONFLICT ("issuer_name_sha256", "serial_number") DO NOTHING
       RETURNING "issuer_name_sha256", "serial_number"`,
      [
        entries.map((entry) => entry.issuerNameSha256),
        entries.map((entry) => entry.serialNumber),
        entries.map((entry) => entry.revokedAt.toISOString()),
        entries.map((entry) => entry.reason),
        entries[0].anchorId,
        entries[0].recordedAt.toISOString(),
        entries[0].trustVersion,
      ],
    );
    const fresh = new Set(inserted.map((row) => `${row.issuer_name_sha256}:${row.serial_number}`));
    return entries.filter((entry) => fresh.has(`${entry.issuerNameSha256}:${entry.serialNumber}`));
  }

  async setVersion(version: bigint): Promise<void> {
    await this.manager.update(TrustStateEntity, { id: 1 }, { version: version.toString() });
  }

  addEvents(events: readonly OutboxEventInput[]): Promise<void> {
    return this.outbox.add(this.manager, events);
  }

  private table(entity: typeof RevokedCertificateEntity): string {
    return `${quoteSchema(schemaOf(this.manager.connection))}."${this.manager.connection.getMetadata(entity).tableName}"`;
  }
}

@Injectable()
export class TrustRepository {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
  ) {}

  /**
   * Runs `work` in one transaction holding the trust_state row lock: trust changes of every replica queue here,
   * so versions are dense and each change sees the one before it (seeding at boot included).
   */
  change<T>(work: (session: TrustSession) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const state = await manager.findOne(TrustStateEntity, {
        where: { id: 1 },
        lock: { mode: 'pessimistic_write' },
      });
      if (!state) throw new Error('trust_state has no row: run the certificate migrations');
      return work(new TrustSession(manager, this.outbox, BigInt(state.version)));
    });
  }

  async version(): Promise<bigint> {
    const state = await this.dataSource.manager.findOneBy(TrustStateEntity, { id: 1 });
    return BigInt(state?.version ?? '0');
  }

  anchors(): Promise<TrustAnchorEntity[]> {
    return this.dataSource.manager.find(TrustAnchorEntity, { order: { addedAt: 'ASC', id: 'ASC' } });
  }

  crls(): Promise<TrustCrlEntity[]> {
    return this.dataSource.manager.find(TrustCrlEntity);
  }

  /** entries recorded by versions after `version` (all of them for 0); revocations are never withdrawn */
  revocationsAfter(version: bigint): Promise<RevokedCertificateEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(RevokedCertificateEntity, 'revoked')
      .where('revoked.trust_version > :version', { version: version.toString() })
      .getMany();
  }

  /**
   * Runs `work` while holding the database-wide advisory lock `name` (session level, on a connection of its
   * own), or returns undefined at once when another replica holds it.
   */
  async whileLocked<T>(name: string, work: () => Promise<T>): Promise<{ result: T } | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS "locked"', [
        name,
      ])) as { locked: boolean }[];
      if (!row?.locked) return undefined;
      try {
        return { result: await work() };
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
      }
    } finally {
      await runner.release();
    }
  }

  revocation(issuerNameSha256: string, serialNumber: string): Promise<RevokedCertificateEntity | null> {
    return this.dataSource.manager.findOneBy(RevokedCertificateEntity, { issuerNameSha256, serialNumber });
  }
}
