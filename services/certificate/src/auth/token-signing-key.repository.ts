import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { TokenSigningKeyEntity } from './token-signing-key.entity';

@Injectable()
export class TokenSigningKeyRepository {
  private readonly repository: Repository<TokenSigningKeyEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repository = dataSource.getRepository(TokenSigningKeyEntity);
  }

  /** oldest first (ties by kid), so every replica picks the same active key */
  findAll(): Promise<TokenSigningKeyEntity[]> {
    return this.repository.find({ order: { createdAt: 'ASC', kid: 'ASC' } });
  }

  /** inserts unless a key with that kid exists */
  async insertIfAbsent(key: TokenSigningKeyEntity): Promise<void> {
    await this.repository
      .createQueryBuilder()
      .insert()
      .into(TokenSigningKeyEntity)
      .values(key)
      .orIgnore()
      .execute();
  }
}
