// The trust read model's queries, one statement each (plus the NOTIFY that tells every replica to reload).
// Writes run on the inbox transaction's manager; reads on the service's DataSource.
import type { DataSource, EntityManager } from 'typeorm';
import type { CertificateProfileSpec } from '@renkei/envelope';
import { quoteSchema } from '../database/service-data-source';
import type { RevocationRow, TrustChange } from './trust-events.util';
import { trustChannelOf } from './trust-view.tables';

/** An anchor row as loaded, with the version of the configuration it belongs to. */
export interface LoadedAnchors {
  /** 0 when no TrustChanged was ever recorded */
  readonly version: number;
  readonly anchors: readonly {
    readonly anchorId: string;
    readonly certificateDer: Buffer;
    readonly active: boolean;
    readonly profile: CertificateProfileSpec;
  }[];
}

export interface LoadedRevocation {
  readonly seq: number;
  readonly issuerNameSha256: string;
  readonly serialNumber: string;
  readonly recordedAt: Date;
}

export class TrustViewRepository {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    readonly schema: string,
  ) {
    this.s = quoteSchema(schema);
  }

  /**
   * Records `change` unless the stored version is the same or newer; true when it replaced the anchors.
   * The state row's lock orders concurrent changes.
   */
  async replaceAnchors(manager: EntityManager, change: TrustChange): Promise<boolean> {
    const updated: unknown[] = await manager.query(
      `INSERT INTO ${this.s}."trust_view_state" AS state ("id", "version", "changed_at") VALUES (1, $1, $2)
       ON CONFLICT ("id") DO UPDATE SET "version" = EXCLUDED."version", "changed_at" = EXCLUDED."changed_at"
       WHERE state."version" < EXCLUDED."version"
       RETURNING 1 AS "replaced"`,
      [change.version, change.changedAt],
    );
    if (updated.length === 0) return false;
    await manager.query(`DELETE FROM ${this.s}."trust_anchor_view"`);
    if (change.anchors.length > 0) {
      await manager.query(
        `INSERT INTO ${this.s}."trust_anchor_view"
           ("anchor_id", "certificate_der", "certificate_sha256", "active", "profile", "trust_version", "changed_at")
         SELECT id, der, sha256, active, profile, $6::bigint, $7::timestamptz
           FROM unnest($1::uuid[], $2::bytea[], $3::text[], $4::boolean[], $5::jsonb[])
             AS anchor(id, der, sha256, active, profile)`,
        [
          change.anchors.map((anchor) => anchor.anchorId),
          change.anchors.map((anchor) => anchor.certificateDer),
          change.anchors.map((anchor) => anchor.certificateSha256),
          change.anchors.map((anchor) => anchor.active),
          change.anchors.map((anchor) => JSON.stringify(anchor.profile)),
          change.version,
          change.changedAt,
        ],
      );
    }
    await this.notify(manager, 'anchors');
    return true;
  }

  /** Records a revocation once; true when it was new. */
  async insertRevocation(manager: EntityManager, revocation: RevocationRow): Promise<boolean> {
    // one writer at a time, so seq order is commit order and a replica's `seq > last` load never skips a row
    // that commits late
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`renkei.trust.${this.schema}`]);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO ${this.s}."revoked_certificate_view"
         ("issuer_name_sha256", "serial_number", "revoked_at", "reason", "anchor_id", "recorded_at")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ("issuer_name_sha256", "serial_number") DO NOTHING
       RETURNING 1 AS "new"`,
      [
        revocation.issuerNameSha256,
        revocation.serialNumber,
        revocation.revokedAt,
        revocation.reason,
        revocation.anchorId,
        revocation.recordedAt,
      ],
    );
    if (inserted.length === 0) return false;
    await this.notify(manager, 'revocation');
    return true;
  }

  /** the recorded version, 0 when none */
  async version(): Promise<number> {
    const rows: { version: string }[] = await this.dataSource.query(
      `SELECT "version" FROM ${this.s}."trust_view_state" WHERE "id" = 1`,
    );
    return rows.length === 0 ? 0 : Number(rows[0].version);
  }

  /** the version and its anchors, read in one statement (one snapshot) */
  async anchors(): Promise<LoadedAnchors> {
    const rows: {
      version: string;
      anchor_id: string | null;
      certificate_der: Buffer | null;
      active: boolean | null;
      profile: CertificateProfileSpec | null;
    }[] = await this.dataSource.query(
      `SELECT state."version", anchor."anchor_id", anchor."certificate_der", anchor."active", anchor."profile"
         FROM ${this.s}."trust_view_state" state
         LEFT JOIN ${this.s}."trust_anchor_view" anchor ON true
        WHERE state."id" = 1
        ORDER BY anchor."anchor_id"`,
    );
    if (rows.length === 0) return { version: 0, anchors: [] };
    return {
      version: Number(rows[0].version),
      anchors: rows.flatMap((row) =>
        row.anchor_id === null || row.certificate_der === null || row.profile === null
          ? []
          : [
              {
                anchorId: row.anchor_id,
                certificateDer: row.certificate_der,
                active: row.active === true,
                profile: row.profile,
              },
            ],
      ),
    };
  }

  /** revocations recorded after `afterSeq`, in seq order; relies on revoked_certificate_view_seq_key */
  async revocationsAfter(afterSeq: number, limit: number): Promise<LoadedRevocation[]> {
    const rows: { seq: string; issuer_name_sha256: string; serial_number: string; recorded_at: Date }[] =
      await this.dataSource.query(
        `SELECT "seq", "issuer_name_sha256", "serial_number", "recorded_at"
           FROM ${this.s}."revoked_certificate_view" WHERE "seq" > $1 ORDER BY "seq" LIMIT $2`,
        [afterSeq, limit],
      );
    return rows.map((row) => ({
      seq: Number(row.seq),
      issuerNameSha256: row.issuer_name_sha256,
      serialNumber: row.serial_number,
      recordedAt: row.recorded_at,
    }));
  }

  // delivered to every LISTENing replica when the transaction commits, never for a rolled-back one
  private async notify(manager: EntityManager, what: 'anchors' | 'revocation'): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [trustChannelOf(this.schema), what]);
  }
}
