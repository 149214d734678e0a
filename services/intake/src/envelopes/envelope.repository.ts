import { Inject, Injectable } from '@nestjs/common';
import { Outbox, type OutboxEventInput } from '@renkei/platform';
import { DataSource, EntityManager, QueryFailedError, Repository } from 'typeorm';
import { EnvelopeEntity } from './envelope.entity';

const UNIQUE_VIOLATION = '23505';

/** The envelope id was taken by a transaction that committed first (primary key). Nothing was written. */
export class EnvelopeIdTakenError extends Error {
  constructor(readonly envelopeId: string) {
    super(`envelope ${envelopeId} is already stored`);
    this.name = 'EnvelopeIdTakenError';
  }
}

/** Reads and writes of one envelope id, inside the transaction that holds the id's lock. */
export class EnvelopeSession {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: Outbox,
  ) {}

  getById(envelopeId: string): Promise<EnvelopeEntity | null> {
    return this.manager.findOneBy(EnvelopeEntity, { envelopeId });
  }

  /** the row and its outbox events, committed together when the session's transaction commits */
  async createWithEvents(envelope: EnvelopeEntity, events: readonly OutboxEventInput[]): Promise<void> {
    await this.manager.insert(EnvelopeEntity, envelope);
    await this.outbox.add(this.manager, events);
  }
}

@Injectable()
export class EnvelopeRepository {
  private readonly repository: Repository<EnvelopeEntity>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
  ) {
    this.repository = dataSource.getRepository(EnvelopeEntity);
  }

  getById(envelopeId: string): Promise<EnvelopeEntity | null> {
    return this.repository.findOneBy({ envelopeId });
  }

  /**
   * Runs `work` in one transaction that first takes an advisory lock on the envelope id (database-wide, so
   * across replicas; released by the commit or rollback): concurrent sends of one id queue here, and the later
   * one sees the earlier one's committed row before it PUTs anything over the same object key. Throws
   * EnvelopeIdTakenError if the insert still meets the primary key.
   */
  async exclusively<T>(envelopeId: string, work: (session: EnvelopeSession) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          `intake.envelope:${envelopeId}`,
        ]);
        return work(new EnvelopeSession(manager, this.outbox));
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new EnvelopeIdTakenError(envelopeId);
      throw error;
    }
  }
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: unknown } | undefined;
  return driverError?.code === UNIQUE_VIOLATION;
}
