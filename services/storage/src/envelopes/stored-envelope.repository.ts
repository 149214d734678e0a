import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { StoredEnvelopeEntity } from './stored-envelope.entity';

@Injectable()
export class StoredEnvelopeRepository {
  private readonly repository: Repository<StoredEnvelopeEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repository = dataSource.getRepository(StoredEnvelopeEntity);
  }

  getById(envelopeId: string): Promise<StoredEnvelopeEntity | null> {
    return this.repository.findOneBy({ envelopeId });
  }

  /** in the caller's transaction; null when it was inserted, else the row already there (primary key) */
  async insertOrGet(
    manager: EntityManager,
    envelope: StoredEnvelopeEntity,
  ): Promise<StoredEnvelopeEntity | null> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(StoredEnvelopeEntity)
      .values(envelope)
      .orIgnore()
      .returning('envelope_id')
      .execute();
    if ((result.raw as unknown[]).length === 1) return null;
    return manager.getRepository(StoredEnvelopeEntity).findOneBy({ envelopeId: envelope.envelopeId });
  }
}
