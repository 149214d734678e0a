import { Inject, Injectable } from '@nestjs/common';
import { quoteSchema, schemaOf } from '@renkei/platform';
import { DataSource, EntityManager } from 'typeorm';
import { MasterChange } from './office-master.diff';
import { OfficeMasterEntryEntity } from './office-master-entry.entity';
import { OfficeMasterUploadEntity } from './office-master-upload.entity';
import { OfficeMasterVersionEntity } from './office-master-version.entity';
import { MasterRecord, MasterStatus } from './office-master.types';

/** a current entry as the diff needs it */
export interface CurrentEntry extends MasterRecord {
  readonly version: number;
}

/** one change of an upload, with the version it writes */
export interface VersionedChange extends MasterChange {
  readonly version: number;
}

interface EntryRow {
  office_number: string;
  name: string;
  name_kana: string | null;
  service_types: string[];
  status: MasterStatus;
  status_reason: string | null;
  designated_from: string | null;
  designated_to: string | null;
  postal_code: string | null;
  address: string | null;
  version: number;
}

// rows per bulk statement: each column travels as one array parameter
const CHUNK = 5000;

@Injectable()
export class OfficeMasterRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** runs `work` in one transaction: an upload commits whole or not at all */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** serialises uploads of one prefecture until the transaction ends */
  async lockPrefecture(manager: EntityManager, prefecture: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `registry.office_master.${prefecture}`,
    ]);
  }

  /** the prefecture's latest upload (office_master_upload_prefecture_idx) */
  latestUpload(manager: EntityManager, prefecture: string): Promise<OfficeMasterUploadEntity | null> {
    return manager
      .getRepository(OfficeMasterUploadEntity)
      .findOne({ where: { prefecture }, order: { uploadedAt: 'DESC' } });
  }

  /** every current entry of the prefecture (office_master_entry_prefecture_idx), in one query */
  async entriesOf(manager: EntityManager, prefecture: string): Promise<Map<string, CurrentEntry>> {
    const rows = (await manager.query(
      `SELECT "office_number", "name", "name_kana", "service_types", "status", "status_reason",
              "designated_from"::text AS "designated_from", "designated_to"::text AS "designated_to",
              "postal_code", "address", "version"
         FROM ${this.s}."office_master_entry" WHERE "prefecture" = $1`,
      [prefecture],
    )) as EntryRow[];
    return new Map(
      rows.map((row) => [
        row.office_number,
        {
          officeNumber: row.office_number,
          name: row.name,
          nameKana: row.name_kana,
          serviceTypes: row.service_types,
          status: row.status,
          statusReason: row.status_reason,
          designatedFrom: row.designated_from,
          designatedTo: row.designated_to,
          postalCode: row.postal_code,
          address: row.address,
          version: row.version,
        },
      ]),
    );
  }

  async insertUpload(manager: EntityManager, upload: OfficeMasterUploadEntity): Promise<void> {
    await manager.getRepository(OfficeMasterUploadEntity).insert(upload);
  }

  /** writes each change as the office's current entry and as a new version, in bulk */
  async applyChanges(
    manager: EntityManager,
    upload: OfficeMasterUploadEntity,
    changes: readonly VersionedChange[],
  ): Promise<void> {
    for (let start = 0; start < changes.length; start += CHUNK) {
      const chunk = changes.slice(start, start + CHUNK);
      const columns = [
        chunk.map((c) => c.record.officeNumber),
        chunk.map((c) => c.record.name),
        chunk.map((c) => c.record.nameKana),
        chunk.map((c) => c.record.serviceTypes.join(' ')),
        chunk.map((c) => c.record.status),
        chunk.map((c) => c.record.statusReason),
        chunk.map((c) => c.record.designatedFrom),
        chunk.map((c) => c.record.designatedTo),
        chunk.map((c) => c.record.postalCode),
        chunk.map((c) => c.record.address),
        chunk.map((c) => c.version),
        chunk.map((c) => c.kind),
        chunk.map((c) => c.changedFields.join(' ')),
      ];
      const rows = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[],
          $8::date[], $9::text[], $10::text[], $11::int[], $12::text[], $13::text[])
          AS u("office_number", "name", "name_kana", "service_types", "status", "status_reason", "designated_from",
               "designated_to", "postal_code", "address", "version", "kind", "changed_fields")`;
      const context = [upload.prefecture, upload.id, upload.asOf, upload.uploadedAt];
      await manager.query(
        `INSERT INTO ${this.s}."office_master_entry" ("office_number", "prefecture", "name", "name_kana",
           "service_types", "status", "status_reason", "designated_from", "designated_to", "postal_code", "address",
           "version", "upload_id", "as_of", "updated_at")
         SELECT u."office_number", $14, u."name", u."name_kana", string_to_array(u."service_types", ' '),
           u."status", u."status_reason", u."designated_from", u."designated_to", u."postal_code", u."address",
           u."version", $15, $16, $17
         FROM ${rows}
         ON CONFLICT ("office_number") DO UPDATE SET "name" = EXCLUDED."name", "name_kana" = EXCLUDED."name_kana",
           "service_types" = EXCLUDED."service_types", "status" = EXCLUDED."status",
           "status_reason" = EXCLUDED."status_reason", "designated_from" = EXCLUDED."designated_from",
           "designated_to" = EXCLUDED."designated_to", "postal_code" = EXCLUDED."postal_code",
           "address" = EXCLUDED."address", "version" = EXCLUDED."version", "upload_id" = EXCLUDED."upload_id",
           "as_of" = EXCLUDED."as_of", "updated_at" = EXCLUDED."updated_at"`,
        [...columns, ...context],
      );
      await manager.query(
        `INSERT INTO ${this.s}."office_master_version" ("office_number", "prefecture", "name", "name_kana",
           "service_types", "status", "status_reason", "designated_from", "designated_to", "postal_code", "address",
           "version", "kind", "changed_fields", "upload_id", "as_of", "recorded_at")
         SELECT u."office_number", $14, u."name", u."name_kana", string_to_array(u."service_types", ' '),
           u."status", u."status_reason", u."designated_from", u."designated_to", u."postal_code", u."address",
           u."version", u."kind", string_to_array(u."changed_fields", ' '), $15, $16, $17
         FROM ${rows}`,
        [...columns, ...context],
      );
    }
  }

  getEntry(officeNumber: string): Promise<OfficeMasterEntryEntity | null> {
    return this.dataSource.getRepository(OfficeMasterEntryEntity).findOneBy({ officeNumber });
  }

  /** the office's versions, oldest first (office_master_version_pkey) */
  versionsOf(officeNumber: string): Promise<OfficeMasterVersionEntity[]> {
    return this.dataSource
      .getRepository(OfficeMasterVersionEntity)
      .find({ where: { officeNumber }, order: { version: 'ASC' } });
  }

  /** the prefecture's uploads, newest first (office_master_upload_prefecture_idx) */
  uploadsOf(prefecture: string, limit: number): Promise<OfficeMasterUploadEntity[]> {
    return this.dataSource
      .getRepository(OfficeMasterUploadEntity)
      .find({ where: { prefecture }, order: { uploadedAt: 'DESC' }, take: limit });
  }

  private get s(): string {
    return quoteSchema(schemaOf(this.dataSource));
  }
}
