import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { OfficeCertificateWarningEntity } from './office-certificate-warning.entity';

// one key for the whole schema: only one replica runs an expiry pass at a time
const EXPIRY_JOB_LOCK = 'renkei.registry.certificate-expiry';

@Injectable()
export class OfficeCertificateWarningRepository {
  private readonly repository: Repository<OfficeCertificateWarningEntity>;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(OfficeCertificateWarningEntity);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** the expiry job's lock, held until the transaction ends; false when another pass holds it */
  async tryLockExpiryJob(manager: EntityManager): Promise<boolean> {
    const [{ locked }] = (await manager.query(
      'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS "locked"',
      [EXPIRY_JOB_LOCK],
    )) as [{ locked: boolean }];
    return locked;
  }

  /** inserts unless this certificate's point was already raised; true when this call inserted it */
  async insertIfAbsent(manager: EntityManager, warning: OfficeCertificateWarningEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(OfficeCertificateWarningEntity)
      .values(warning)
      .orIgnore()
      .returning('point')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  /** the last warning raised for this certificate, or null (primary key prefix) */
  latestFor(officeNumber: string, certificateSha256: string): Promise<OfficeCertificateWarningEntity | null> {
    return this.repository.findOne({
      where: { officeNumber, certificateSha256 },
      order: { point: 'ASC' },
    });
  }
}
