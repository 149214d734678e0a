import { Inject, Injectable } from '@nestjs/common';
import { quoteSchema } from '@renkei/platform';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { KnownOfficeEntity } from './known-office.entity';

@Injectable()
export class KnownOfficeRepository {
  private readonly repository: Repository<KnownOfficeEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repository = dataSource.getRepository(KnownOfficeEntity);
  }

  getByOfficeNumber(officeNumber: string): Promise<KnownOfficeEntity | null> {
    return this.repository.findOneBy({ officeNumber });
  }

  /**
   * Inserts the office, or replaces it unless the stored version is newer (events of one office can arrive
   * out of order after a rebalance or a replay of the compacted topic). Uses the primary key.
   */
  async upsert(manager: EntityManager, office: KnownOfficeEntity): Promise<void> {
    const metadata = manager.connection.getMetadata(KnownOfficeEntity);
    const table = `${quoteSchema(metadata.schema ?? 'public')}."${metadata.tableName}"`;
    await manager.query(
      `INSERT INTO ${table} AS known ("office_number", "service_types", "status", "certificate_sha256", "version", "changed_at")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ("office_number") DO UPDATE SET
         "service_types" = EXCLUDED."service_types",
         "status" = EXCLUDED."status",
         "certificate_sha256" = EXCLUDED."certificate_sha256",
         "version" = EXCLUDED."version",
         "changed_at" = EXCLUDED."changed_at"
       WHERE known."version" <= EXCLUDED."version"`,
      [
        office.officeNumber,
        office.serviceTypes,
        office.status,
        office.certificateSha256,
        office.version,
        office.changedAt,
      ],
    );
  }
}
