import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { AuthChallengeEntity } from './auth-challenge.entity';

@Injectable()
export class AuthChallengeRepository {
  private readonly repository: Repository<AuthChallengeEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repository = dataSource.getRepository(AuthChallengeEntity);
  }

  async create(challenge: AuthChallengeEntity): Promise<AuthChallengeEntity> {
    return this.repository.save(challenge);
  }

  getById(id: string): Promise<AuthChallengeEntity | null> {
    return this.repository.findOneBy({ id });
  }

  /**
   * Marks the challenge used if it is unused, unexpired and carries `nonce`, in one atomic statement, so a second
   * request for the same challenge finds it used. False when nothing was consumed. Uses the primary key.
   */
  async consume(id: string, nonce: string, at: Date): Promise<boolean> {
    const result = await this.repository
      .createQueryBuilder()
      .update(AuthChallengeEntity)
      .set({ usedAt: at })
      .where('id = :id AND nonce = :nonce AND used_at IS NULL AND expires_at > :at', { id, nonce, at })
      .execute();
    return result.affected === 1;
  }
}
