import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EnvelopeDownloadEntity } from './envelope-download.entity';

@Injectable()
export class EnvelopeDownloadRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** runs `work` in one transaction: the download row and its outbox event commit together */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async create(manager: EntityManager, download: EnvelopeDownloadEntity): Promise<void> {
    await manager.getRepository(EnvelopeDownloadEntity).insert(download);
  }
}
