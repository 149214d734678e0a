import { Inject, Injectable } from '@nestjs/common';
import { quoteSchema } from '../database/service-data-source';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { KnownLicenceEntity } from './known-licence.entity';

@Injectable()
export class KnownLicenceRepository {
  private readonly repository: Repository<KnownLicenceEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repository = dataSource.getRepository(KnownLicenceEntity);
  }

  /** the licences of the given offices that the read model knows (one primary-key lookup for both parties) */
  findByOfficeNumbers(officeNumbers: readonly string[]): Promise<KnownLicenceEntity[]> {
    return this.repository.findBy({ officeNumber: In([...officeNumbers]) });
  }

  /**
   * Inserts the licence, or replaces it unless the stored version is newer (events of one office can arrive
   * out of order after a rebalance or a replay of the compacted topic). Uses the primary key.
   */
  async upsert(manager: EntityManager, licence: KnownLicenceEntity): Promise<void> {
    const metadata = manager.connection.getMetadata(KnownLicenceEntity);
    const table = `${quoteSchema(metadata.schema ?? 'public')}."${metadata.tableName}"`;
    await manager.query(
      `INSERT INTO ${table} AS known ("office_number", "licence_id", "state", "term_end", "auto_renew", "version", "changed_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("office_number") DO UPDATE SET
         "licence_id" = EXCLUDED."licence_id",
         "state" = EXCLUDED."state",
         "term_end" = EXCLUDED."term_end",
         "auto_renew" = EXCLUDED."auto_renew",
         "version" = EXCLUDED."version",
         "changed_at" = EXCLUDED."changed_at"
       WHERE known."version" <= EXCLUDED."version"`,
      [
        licence.officeNumber,
        licence.licenceId,
        licence.state,
        licence.termEnd,
        licence.autoRenew,
        licence.version,
        licence.changedAt,
      ],
    );
  }
}
