import { Inject, Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '@renkei/platform';
import type { EntityManager } from 'typeorm';
import { encodeCursor, type CursorList } from './envelope-cursor.util';
import type { DownloadRecord } from './envelope-event.mapper';
import { itemFor, type EnvelopeItem, type EnvelopePage, type InboxSincePage } from './envelope-item.mapper';
import { EnvelopeRepository, type DownloadFilter, type EnvelopeRecord } from './envelope.repository';
import type { EnvelopeEntity } from './envelope.entity';
import type { InboxStatusFilter, ListEnvelopesDto, ListInboxDto } from './dto/list-envelopes.dto';
import { DeliveryError, DeliveryErrorCode } from './envelopes.errors';

const DOWNLOAD_FILTER: Record<InboxStatusFilter, DownloadFilter> = {
  available: 'not-downloaded',
  downloaded: 'downloaded',
  all: 'any',
};

/** Files envelopes as their events arrive (in any order) and answers the inbox, sent and status routes. */
@Injectable()
export class EnvelopesService {
  constructor(@Inject(EnvelopeRepository) private readonly envelopes: EnvelopeRepository) {}

  /**
   * accepted or available, whichever comes first, creates the envelope; available also sets available_at and
   * numbers the arrival in the recipient's inbox (announced to the inbox event streams at commit)
   */
  async recordEnvelope(manager: EntityManager, record: EnvelopeRecord): Promise<void> {
    await this.envelopes.lock(manager, record.envelopeId);
    await this.envelopes.upsert(manager, record);
    if (record.availableAt !== null) {
      await this.envelopes.numberArrival(manager, record.recipientOfficeNumber, record.envelopeId);
    }
  }

  /** every complete download is a timeline step; the recipient's first one moves the status */
  async recordDownload(manager: EntityManager, download: DownloadRecord): Promise<void> {
    await this.envelopes.lock(manager, download.envelopeId);
    await this.envelopes.addStep(manager, { ...download, step: 'downloaded' });
    if (download.byRole === 'recipient') {
      await this.envelopes.markDownloaded(manager, download.envelopeId, download.at);
    }
  }

  async inbox(principal: AuthPrincipal, query: ListInboxDto): Promise<EnvelopePage | InboxSincePage> {
    if (query.since !== undefined) return this.inboxSince(principal, query.since, query.limit);
    const rows = await this.envelopes.findInbox(
      { officeNumber: principal.officeNumber, take: query.limit + 1, after: query.after },
      DOWNLOAD_FILTER[query.status],
    );
    // every inbox row is available (the query says so); acceptedAt only satisfies the type
    return this.pageOf(principal, rows, query.limit, 'inbox', (row) => row.availableAt ?? row.acceptedAt);
  }

  /** the arrivals numbered above `since`, in number order: what a poller has not seen yet */
  private async inboxSince(principal: AuthPrincipal, since: number, limit: number): Promise<InboxSincePage> {
    const rows = await this.envelopes.findArrivals(principal.officeNumber, since, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await this.itemsOf(principal, page),
      next: rows.length > limit && last ? last.inboxSeq : null,
    };
  }

  async sent(principal: AuthPrincipal, query: ListEnvelopesDto): Promise<EnvelopePage> {
    const rows = await this.envelopes.findSent({
      officeNumber: principal.officeNumber,
      take: query.limit + 1,
      after: query.after,
    });
    return this.pageOf(principal, rows, query.limit, 'sent', (row) => row.acceptedAt);
  }

  /**
   * The envelope with its timeline, to its sender, or to its recipient once it is in the inbox (available).
   * Anyone else gets the same answer as for an unknown id, so ids cannot be probed.
   */
  async envelope(principal: AuthPrincipal, envelopeId: string): Promise<EnvelopeItem> {
    const row = await this.envelopes.getById(envelopeId);
    const office = principal.officeNumber;
    const visible =
      row !== null &&
      (row.senderOfficeNumber === office ||
        (row.recipientOfficeNumber === office && row.availableAt !== null));
    if (!visible) {
      throw new DeliveryError(DeliveryErrorCode.ENVELOPE_NOT_FOUND, 'no such envelope for this office');
    }
    return itemFor(office, row, await this.envelopes.stepsOf([row.envelopeId]));
  }

  private async pageOf(
    principal: AuthPrincipal,
    rows: EnvelopeEntity[],
    limit: number,
    list: CursorList,
    keyOf: (row: EnvelopeEntity) => Date,
  ): Promise<EnvelopePage> {
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next =
      rows.length > limit && last
        ? encodeCursor({ list, at: keyOf(last), envelopeId: last.envelopeId })
        : null;
    return { items: await this.itemsOf(principal, page), next };
  }

  /** the rows with their steps, as the token's office sees them */
  private async itemsOf(principal: AuthPrincipal, rows: EnvelopeEntity[]): Promise<EnvelopeItem[]> {
    const steps = await this.envelopes.stepsOf(rows.map((row) => row.envelopeId));
    return rows.map((row) =>
      itemFor(
        principal.officeNumber,
        row,
        steps.filter((step) => step.envelopeId === row.envelopeId),
      ),
    );
  }
}
