import { Inject, Injectable } from '@nestjs/common';
import { Outbox, type OutboxEventInput } from '@renkei/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { EnvelopeEntity, type ReceiptVerdictName } from '../envelopes/envelope.entity';
import { EnvelopeRepository } from '../envelopes/envelope.repository';
import { RecipientReceiptEntity } from './recipient-receipt.entity';

export interface ReceiptRecord {
  readonly envelopeId: string;
  readonly receipt: Buffer;
  readonly receiptSha256: string;
  readonly signerCertificateSha256: string;
  readonly verdict: ReceiptVerdictName;
  readonly reasonCodes: readonly string[];
  readonly receivedAt: Date;
  readonly recordedAt: Date;
}

/** Reads and writes of one envelope's receipt, inside the transaction that holds the envelope's lock. */
export class ReceiptSession {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: Outbox,
  ) {}

  envelope(envelopeId: string): Promise<EnvelopeEntity | null> {
    return this.manager.findOneBy(EnvelopeEntity, { envelopeId });
  }

  receipt(envelopeId: string): Promise<RecipientReceiptEntity | null> {
    return this.manager.findOneBy(RecipientReceiptEntity, { envelopeId });
  }

  /** the receipt, the envelope's verdict and the event, committed together */
  async record(record: ReceiptRecord, events: readonly OutboxEventInput[]): Promise<void> {
    await this.manager.insert(RecipientReceiptEntity, {
      envelopeId: record.envelopeId,
      receipt: record.receipt,
      receiptSha256: record.receiptSha256,
      signerCertificateSha256: record.signerCertificateSha256,
      recordedAt: record.recordedAt,
    });
    await this.manager.update(
      EnvelopeEntity,
      { envelopeId: record.envelopeId },
      {
        receiptVerdict: record.verdict,
        receiptReasonCodes: [...record.reasonCodes],
        receiptSha256: record.receiptSha256,
        receiptReceivedAt: record.receivedAt,
        receiptedAt: record.recordedAt,
      },
    );
    await this.outbox.add(this.manager, events);
  }
}

@Injectable()
export class RecipientReceiptRepository {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(EnvelopeRepository) private readonly envelopes: EnvelopeRepository,
  ) {}

  getEnvelope(envelopeId: string): Promise<EnvelopeEntity | null> {
    return this.envelopes.getById(envelopeId);
  }

  getByEnvelopeId(envelopeId: string): Promise<RecipientReceiptEntity | null> {
    return this.dataSource.getRepository(RecipientReceiptEntity).findOneBy({ envelopeId });
  }

  /**
   * Runs `work` in one transaction holding the envelope's advisory lock (EnvelopeRepository.lock, the one the
   * envelope consumers take), so a receipt and the download it depends on are seen in one order, and two posts
   * of one receipt queue here.
   */
  exclusively<T>(envelopeId: string, work: (session: ReceiptSession) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await this.envelopes.lock(manager, envelopeId);
      return work(new ReceiptSession(manager, this.outbox));
    });
  }
}
