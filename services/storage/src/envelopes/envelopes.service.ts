// Storage's half of the exchange: it registers each accepted envelope once it has checked the object is in
// the bucket, and only then announces it (so whatever is in an inbox can be fetched); it serves the ciphertext
// to the envelope's two parties and records each download served to its last byte.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { EnvelopeSummary } from '@renkei/contracts';
import { AuthPrincipal, GetResult, ObjectStore, Outbox, PermanentMessageError } from '@renkei/platform';
import type { EntityManager } from 'typeorm';
import { DownloaderRole, EnvelopeDownloadEntity } from './envelope-download.entity';
import { EnvelopeDownloadRepository } from './envelope-download.repository';
import { envelopeAvailableEvent, envelopeDownloadedEvent } from './envelope-events.util';
import { EnvelopesError, EnvelopesErrorCode } from './envelopes.errors';
import { StorageClock } from './storage.clock';
import { StoredEnvelopeEntity } from './stored-envelope.entity';
import { StoredEnvelopeRepository } from './stored-envelope.repository';

/** An envelope opened for one of its parties: the stored row, who asks, and the object's body. */
export interface OpenedEnvelope {
  readonly envelope: StoredEnvelopeEntity;
  readonly officeNumber: string;
  readonly role: DownloaderRole;
  readonly object: GetResult;
}

@Injectable()
export class EnvelopesService {
  private readonly logger = new Logger(EnvelopesService.name);

  constructor(
    @Inject(StoredEnvelopeRepository) private readonly envelopes: StoredEnvelopeRepository,
    @Inject(EnvelopeDownloadRepository) private readonly downloads: EnvelopeDownloadRepository,
    @Inject(ObjectStore) private readonly objects: ObjectStore,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(StorageClock) private readonly clock: StorageClock,
  ) {}

  /**
   * On the inbox transaction of intake.envelope.accepted.v1: the row and storage.envelope.available.v1 commit
   * together. An object that is missing or of another size can never be served: the message goes to the DLQ.
   */
  async registerAccepted(
    summary: EnvelopeSummary,
    manager: EntityManager,
    correlationId?: string,
  ): Promise<void> {
    const info = await this.objects.stat(summary.objectKey);
    if (!info || info.size !== Number(summary.objectSize)) {
      throw new PermanentMessageError(
        'object-missing',
        `envelope ${summary.envelopeId}: object ${summary.objectKey} is ${info ? `${info.size} bytes, not ${summary.objectSize}` : 'missing'}`,
      );
    }
    const availableAt = this.clock.now();
    const row = storedEnvelopeOf(summary, availableAt);
    const existing = await this.envelopes.insertOrGet(manager, row);
    if (existing) {
      // the same acceptance under another event id: announced already
      if (existing.objectKey === row.objectKey && existing.objectSha256 === row.objectSha256) return;
      throw new PermanentMessageError(
        'envelope-conflict',
        `envelope ${summary.envelopeId} is already stored with another object`,
      );
    }
    await this.outbox.add(manager, [
      envelopeAvailableEvent(summary, availableAt, { eventId: this.clock.uuid(), correlationId }),
    ]);
    this.logger.log({ envelopeId: row.envelopeId, objectSize: row.objectSize }, 'envelope available');
  }

  /** ENVELOPE_NOT_FOUND both when unknown and when `principal` is not a party: ids cannot be probed */
  async open(envelopeId: string, principal: AuthPrincipal): Promise<OpenedEnvelope> {
    const envelope = await this.envelopes.getById(envelopeId);
    const role = envelope ? roleOf(envelope, principal.officeNumber) : null;
    if (!envelope || !role) {
      throw new EnvelopesError(EnvelopesErrorCode.ENVELOPE_NOT_FOUND, 'no such envelope');
    }
    const object = await this.objects.get(envelope.objectKey);
    if (object.size !== envelope.objectSize) {
      object.body.destroy();
      throw new Error(
        `envelope ${envelopeId}: stored object is ${object.size} bytes, registered as ${envelope.objectSize}`,
      );
    }
    return { envelope, officeNumber: principal.officeNumber, role, object };
  }

  /** after the last byte was sent: the download row and storage.envelope.downloaded.v1 in one transaction */
  async recordDownload(opened: OpenedEnvelope, bytes: number, correlationId?: string): Promise<void> {
    const download = Object.assign(new EnvelopeDownloadEntity(), {
      id: this.clock.uuid(),
      envelopeId: opened.envelope.envelopeId,
      officeNumber: opened.officeNumber,
      role: opened.role,
      downloadedAt: this.clock.now(),
      bytes,
    } satisfies EnvelopeDownloadEntity);
    await this.downloads.transaction(async (manager) => {
      await this.downloads.create(manager, download);
      await this.outbox.add(manager, [
        envelopeDownloadedEvent(opened.envelope, download, { eventId: this.clock.uuid(), correlationId }),
      ]);
    });
    this.logger.log({ envelopeId: download.envelopeId, role: download.role, bytes }, 'envelope downloaded');
  }
}

function roleOf(envelope: StoredEnvelopeEntity, officeNumber: string): DownloaderRole | null {
  if (envelope.recipientOfficeNumber === officeNumber) return DownloaderRole.RECIPIENT;
  if (envelope.senderOfficeNumber === officeNumber) return DownloaderRole.SENDER;
  return null;
}

function storedEnvelopeOf(summary: EnvelopeSummary, availableAt: Date): StoredEnvelopeEntity {
  return Object.assign(new StoredEnvelopeEntity(), {
    envelopeId: summary.envelopeId.toLowerCase(),
    objectKey: summary.objectKey,
    objectSize: Number(summary.objectSize),
    objectSha256: summary.objectSha256,
    senderOfficeNumber: summary.sender?.officeNumber ?? '',
    senderServiceType: summary.sender?.serviceType ?? '',
    recipientOfficeNumber: summary.recipient?.officeNumber ?? '',
    recipientServiceType: summary.recipient?.serviceType ?? '',
    acceptedAt: summary.acceptedAt ? timestampDate(summary.acceptedAt) : availableAt,
    availableAt,
  } satisfies StoredEnvelopeEntity);
}
