import { Inject, Injectable } from '@nestjs/common';
import { quoteSchema, schemaOf } from '@renkei/platform';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { DAY_MS } from './certificate-expiry.schedule';
import { OfficeEntity, OfficeStatus } from './office.entity';

/** an active office whose certificate is in its expiry schedule */
export interface ExpiringOffice {
  readonly officeNumber: string;
  readonly certificateSha256: string;
  readonly certificateNotAfter: Date;
}

/** active offices by how long their certificate has left */
export interface ExpiryCounts {
  readonly ok: number;
  readonly within60d: number;
  readonly within14d: number;
  readonly expired: number;
}

@Injectable()
export class OfficeRepository {
  private readonly repository: Repository<OfficeEntity>;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(OfficeEntity);
  }

  /** runs `work` in one transaction: directory rows and outbox events commit together */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  getByNumber(officeNumber: string): Promise<OfficeEntity | null> {
    return this.repository.findOneBy({ officeNumber });
  }

  /** inserts unless the office exists; true when this call inserted it (primary key conflict otherwise) */
  async insertIfAbsent(manager: EntityManager, office: OfficeEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(OfficeEntity)
      .values(office)
      .orIgnore()
      .returning('office_number')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  /** the office row, locked until the transaction ends (primary key) */
  lockByNumber(manager: EntityManager, officeNumber: string): Promise<OfficeEntity | null> {
    return manager.getRepository(OfficeEntity).findOne({
      where: { officeNumber },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async update(manager: EntityManager, office: OfficeEntity): Promise<void> {
    await manager.getRepository(OfficeEntity).save(office);
  }

  /**
   * active offices whose certificate expires by `until`, except those whose certificate already got its
   * final (expired) warning; relies on office_certificate_not_after_idx and office_certificate_warning_pkey
   */
  findInExpirySchedule(manager: EntityManager, until: Date): Promise<ExpiringOffice[]> {
    return manager
      .getRepository(OfficeEntity)
      .createQueryBuilder('office')
      .select('office.officeNumber', 'officeNumber')
      .addSelect('office.certificateSha256', 'certificateSha256')
      .addSelect('office.certificateNotAfter', 'certificateNotAfter')
      .where('office.status = :status', { status: OfficeStatus.ACTIVE })
      .andWhere('office.certificateNotAfter <= :until', { until })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM office_certificate_warning w WHERE w.office_number = office.office_number
           AND w.certificate_sha256 = office.certificate_sha256 AND w.point = 0)`,
      )
      .orderBy('office.certificateNotAfter', 'ASC')
      .getRawMany<ExpiringOffice>();
  }

  /** active offices counted by time left on their certificate at `now` (one pass over the office table) */
  async countByExpiry(now: Date): Promise<ExpiryCounts> {
    const [row] = (await this.dataSource.query(
      `SELECT
         count(*) FILTER (WHERE "certificate_not_after" <= $1)::int AS "expired",
         count(*) FILTER (WHERE "certificate_not_after" > $1 AND "certificate_not_after" <= $2)::int AS "within14d",
         count(*) FILTER (WHERE "certificate_not_after" > $2 AND "certificate_not_after" <= $3)::int AS "within60d",
         count(*) FILTER (WHERE "certificate_not_after" > $3)::int AS "ok"
       FROM ${this.table} WHERE "status" = $4`,
      [now, daysAfter(now, 14), daysAfter(now, 60), OfficeStatus.ACTIVE],
    )) as [ExpiryCounts];
    return row;
  }

  private get table(): string {
    return `${quoteSchema(schemaOf(this.dataSource))}."office"`;
  }
}

function daysAfter(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}
