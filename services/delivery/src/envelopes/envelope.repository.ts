import { Inject, Injectable } from '@nestjs/common';
import { quoteSchema, schemaOf } from '@renkei/platform';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';
import { inboxChannelOf } from '../inbox-events/inbox-channel';
import type { EnvelopeCursor } from './envelope-cursor.util';
import { EnvelopeStepEntity } from './envelope-step.entity';
import { EnvelopeEntity, type EnvelopeFile } from './envelope.entity';

/** An envelope as an event describes it; `availableAt` is null for an acceptance. */
export interface EnvelopeRecord {
  readonly envelopeId: string;
  readonly senderOfficeNumber: string;
  readonly senderServiceType: string;
  readonly recipientOfficeNumber: string;
  readonly recipientServiceType: string;
  readonly kind: string;
  readonly targetMonth: string;
  readonly fileSequence: string;
  readonly files: readonly EnvelopeFile[];
  readonly manifestSha256: string;
  readonly objectSha256: string;
  readonly objectSize: number;
  readonly acceptedAt: Date;
  readonly availableAt: Date | null;
}

export type DownloadFilter = 'downloaded' | 'not-downloaded' | 'any';

export interface PageQuery {
  readonly officeNumber: string;
  /** rows to read: the page size plus one, to know whether a next page exists */
  readonly take: number;
  readonly after: EnvelopeCursor | undefined;
}

@Injectable()
export class EnvelopeRepository {
  private readonly envelopes: Repository<EnvelopeEntity>;
  private readonly steps: Repository<EnvelopeStepEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.envelopes = dataSource.getRepository(EnvelopeEntity);
    this.steps = dataSource.getRepository(EnvelopeStepEntity);
  }

  /**
   * Serializes, until the caller's transaction ends, every writer of one envelope (the three consumers run in
   * different groups, concurrently): a download recorded while the envelope row is being inserted is seen by
   * whichever of the two commits second.
   */
  async lock(manager: EntityManager, envelopeId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`envelope:${envelopeId}`]);
  }

  /**
   * Inserts the envelope, or on a known one only sets available_at if it was still null. A new row takes the
   * recipient's first download from steps recorded before it existed.
   */
  async upsert(manager: EntityManager, record: EnvelopeRecord): Promise<void> {
    const s = quoteSchema(schemaOf(manager.connection));
    await manager.query(
      `INSERT INTO ${s}."envelope" AS e (
         "envelope_id", "sender_office_number", "sender_service_type", "recipient_office_number",
         "recipient_service_type", "kind", "target_month", "file_sequence", "files", "manifest_sha256",
         "object_sha256", "object_size", "accepted_at", "available_at", "first_downloaded_at", "recorded_at", "filed_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14,
         (SELECT min(st."at") FROM ${s}."envelope_step" st WHERE st."envelope_id" = $1 AND st."by_role" = 'recipient'),
         now(), CASE WHEN $14::timestamptz IS NULL THEN NULL ELSE clock_timestamp() END)
       ON CONFLICT ("envelope_id") DO UPDATE SET
         "available_at" = COALESCE(e."available_at", EXCLUDED."available_at"),
         "filed_at" = COALESCE(e."filed_at", EXCLUDED."filed_at")`,
      [
        record.envelopeId,
        record.senderOfficeNumber,
        record.senderServiceType,
        record.recipientOfficeNumber,
        record.recipientServiceType,
        record.kind,
        record.targetMonth,
        record.fileSequence,
        JSON.stringify(record.files),
        record.manifestSha256,
        record.objectSha256,
        record.objectSize,
        record.acceptedAt,
        record.availableAt,
      ],
    );
  }

  /**
   * Gives an envelope that has just become available the next number of its recipient's inbox, and announces it
   * on the inbox channel (PostgreSQL delivers the NOTIFY at commit, to every replica). The office lock, held to
   * the commit, makes the numbers follow commit order, so a reader that has seen n has seen every number below
   * n. An envelope already numbered is left alone (a redelivered event). Lock order: envelope, then office.
   */
  async numberArrival(manager: EntityManager, officeNumber: string, envelopeId: string): Promise<void> {
    const schema = schemaOf(manager.connection);
    const s = quoteSchema(schema);
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`inbox:${officeNumber}`]);
    await manager.query(
      `WITH numbered AS (
         UPDATE ${s}."envelope" SET "inbox_seq" = (
           SELECT COALESCE(max(x."inbox_seq"), 0) + 1 FROM ${s}."envelope" x
           WHERE x."recipient_office_number" = $2)
         WHERE "envelope_id" = $1 AND "recipient_office_number" = $2
           AND "available_at" IS NOT NULL AND "inbox_seq" IS NULL
         RETURNING "inbox_seq")
       SELECT pg_notify($3, $2 || ':' || n."inbox_seq") FROM numbered n`,
      [envelopeId, officeNumber, inboxChannelOf(schema)],
    );
  }

  async addStep(manager: EntityManager, step: EnvelopeStepEntity): Promise<void> {
    await manager.getRepository(EnvelopeStepEntity).insert(step);
  }

  /** Keeps the earliest recipient download; no row yet is fine (upsert picks the step up). */
  async markDownloaded(manager: EntityManager, envelopeId: string, at: Date): Promise<void> {
    await manager
      .getRepository(EnvelopeEntity)
      .createQueryBuilder()
      .update()
      .set({ firstDownloadedAt: () => `LEAST(COALESCE("first_downloaded_at", :at), :at)` })
      .where('envelope_id = :envelopeId', { envelopeId })
      .setParameter('at', at)
      .execute();
  }

  getById(envelopeId: string): Promise<EnvelopeEntity | null> {
    return this.envelopes.findOneBy({ envelopeId });
  }

  /** An office's available envelopes, oldest first. Uses envelope_inbox_idx. */
  findInbox(query: PageQuery, filter: DownloadFilter): Promise<EnvelopeEntity[]> {
    const builder = this.envelopes
      .createQueryBuilder('e')
      .where('e.recipientOfficeNumber = :office', { office: query.officeNumber })
      .andWhere('e.availableAt IS NOT NULL');
    if (filter === 'downloaded') builder.andWhere('e.firstDownloadedAt IS NOT NULL');
    if (filter === 'not-downloaded') builder.andWhere('e.firstDownloadedAt IS NULL');
    if (query.after) {
      builder.andWhere('(e.availableAt, e.envelopeId) > (:at, :id)', {
        at: query.after.at,
        id: query.after.envelopeId,
      });
    }
    return builder
      .orderBy('e.availableAt', 'ASC')
      .addOrderBy('e.envelopeId', 'ASC')
      .limit(query.take)
      .getMany();
  }

  /** An office's arrivals numbered above `afterSeq`, in number order. Uses envelope_inbox_seq_idx. */
  findArrivals(officeNumber: string, afterSeq: number, take: number): Promise<EnvelopeEntity[]> {
    return this.envelopes
      .createQueryBuilder('e')
      .where('e.recipientOfficeNumber = :office', { office: officeNumber })
      .andWhere('e.inboxSeq > :after', { after: afterSeq })
      .orderBy('e.inboxSeq', 'ASC')
      .limit(take)
      .getMany();
  }

  /** The highest number in an office's inbox, 0 when empty. */
  async lastInboxSeq(officeNumber: string): Promise<number> {
    const row = await this.envelopes
      .createQueryBuilder('e')
      .select('max(e.inboxSeq)', 'last')
      .where('e.recipientOfficeNumber = :office', { office: officeNumber })
      .getRawOne<{ last: string | null }>();
    return row?.last ? Number(row.last) : 0;
  }

  /** What an office sent, in acceptance order. Uses envelope_sent_idx. */
  findSent(query: PageQuery): Promise<EnvelopeEntity[]> {
    const builder = this.envelopes
      .createQueryBuilder('e')
      .where('e.senderOfficeNumber = :office', { office: query.officeNumber });
    if (query.after) {
      builder.andWhere('(e.acceptedAt, e.envelopeId) > (:at, :id)', {
        at: query.after.at,
        id: query.after.envelopeId,
      });
    }
    return builder
      .orderBy('e.acceptedAt', 'ASC')
      .addOrderBy('e.envelopeId', 'ASC')
      .limit(query.take)
      .getMany();
  }

  /** The steps of these envelopes, by time. Uses envelope_step_envelope_idx. */
  stepsOf(envelopeIds: readonly string[]): Promise<EnvelopeStepEntity[]> {
    if (envelopeIds.length === 0) return Promise.resolve([]);
    return this.steps.find({
      where: { envelopeId: In([...envelopeIds]) },
      order: { at: 'ASC', eventId: 'ASC' },
    });
  }
}
