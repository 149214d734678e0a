import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { OfficeEntity } from './office.entity';

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
}
