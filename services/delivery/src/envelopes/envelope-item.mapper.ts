// The item of docs/exchange.md "Inbox and status": an envelope row and its steps as the API shows them.
import type { DownloaderRoleName, EnvelopeStepEntity } from './envelope-step.entity';
import type { EnvelopeEntity, EnvelopeFile } from './envelope.entity';

export type EnvelopeStatus = 'accepted' | 'available' | 'downloaded' | 'receipted' | 'rejected';

export interface PartyView {
  readonly officeNumber: string;
  readonly serviceType: string;
}

/** What backs a step: digests a party can check, and where the signed receipts are served. */
export type StepProof =
  | { readonly manifestSha256: string; readonly acceptanceReceipt: string }
  | { readonly objectSha256: string }
  | { readonly bytes: number }
  | {
      readonly receiptSha256: string;
      readonly verdict: 'accepted' | 'rejected';
      readonly reasonCodes: readonly string[];
      readonly receivedAt: string;
      readonly receipt: string;
    };

export interface TimelineEntry {
  readonly step: EnvelopeStatus;
  readonly at: string;
  readonly by?: DownloaderRoleName;
  readonly proof: StepProof;
}

export interface EnvelopeItem {
  readonly envelopeId: string;
  readonly sender: PartyView;
  readonly recipient: PartyView;
  readonly kind: string;
  readonly targetMonth: string;
  readonly fileSequence: string;
  readonly files: readonly EnvelopeFile[];
  readonly objectSize: number;
  readonly status: EnvelopeStatus;
  readonly acceptedAt: string;
  readonly availableAt: string | null;
  readonly downloadedAt: string | null;
  /** when delivery recorded the recipient's receipt (receipted or rejected) */
  readonly receiptedAt: string | null;
  /**
   * the envelope's number in its recipient's inbox (docs/exchange.md "Push (SSE)"): null until it is available,
   * and to anyone but the recipient
   */
  readonly inboxSeq: number | null;
  readonly timeline: readonly TimelineEntry[];
}

export interface EnvelopePage {
  readonly items: readonly EnvelopeItem[];
  /** cursor of the following page, or null on the last one */
  readonly next: string | null;
}

/** GET /v1/inbox?since=n: arrivals in inbox number order */
export interface InboxSincePage {
  readonly items: readonly EnvelopeItem[];
  /** the `since` of the following page (the last item's inboxSeq), or null on the last one */
  readonly next: number | null;
}

type StatusFields = Pick<EnvelopeEntity, 'availableAt' | 'firstDownloadedAt'> &
  Partial<Pick<EnvelopeEntity, 'receiptVerdict'>>;

/** The last step reached; only the recipient's download counts as `downloaded`, only its receipt after that. */
export function statusOf(envelope: StatusFields): EnvelopeStatus {
  if (envelope.receiptVerdict === 'accepted') return 'receipted';
  if (envelope.receiptVerdict === 'rejected') return 'rejected';
  if (envelope.firstDownloadedAt) return 'downloaded';
  if (envelope.availableAt) return 'available';
  return 'accepted';
}

const STEP_ORDER: Record<EnvelopeStatus, number> = {
  accepted: 0,
  available: 1,
  downloaded: 2,
  receipted: 3,
  rejected: 3,
};

type TimelineFields = Pick<
  EnvelopeEntity,
  'envelopeId' | 'acceptedAt' | 'availableAt' | 'manifestSha256' | 'objectSha256'
> &
  Partial<
    Pick<
      EnvelopeEntity,
      'receiptVerdict' | 'receiptReasonCodes' | 'receiptSha256' | 'receiptReceivedAt' | 'receiptedAt'
    >
  >;
type StepFields = Pick<EnvelopeStepEntity, 'step' | 'at' | 'byRole' | 'bytes'>;

/** the acceptance receipt is intake's (it signed it); the recipient receipt is delivery's */
export const acceptanceReceiptPath = (envelopeId: string): string =>
  `/v1/envelopes/${envelopeId}/acceptance-receipt`;
export const recipientReceiptPath = (envelopeId: string): string =>
  `/v1/envelopes/${envelopeId}/receipts/recipient`;

/** accepted, available, every download, then the receipt, by time (equal times keep that order). */
export function timelineOf(envelope: TimelineFields, steps: readonly StepFields[]): TimelineEntry[] {
  const entries: { step: EnvelopeStatus; at: Date; by?: DownloaderRoleName; proof: StepProof }[] = [
    {
      step: 'accepted',
      at: envelope.acceptedAt,
      proof: {
        manifestSha256: envelope.manifestSha256,
        acceptanceReceipt: acceptanceReceiptPath(envelope.envelopeId),
      },
    },
  ];
  if (envelope.availableAt) {
    entries.push({
      step: 'available',
      at: envelope.availableAt,
      proof: { objectSha256: envelope.objectSha256 },
    });
  }
  for (const step of steps) {
    entries.push({ step: step.step, at: step.at, by: step.byRole, proof: { bytes: step.bytes } });
  }
  const { receiptVerdict, receiptedAt, receiptSha256, receiptReceivedAt } = envelope;
  if (receiptVerdict && receiptedAt && receiptSha256 && receiptReceivedAt) {
    entries.push({
      step: receiptVerdict === 'accepted' ? 'receipted' : 'rejected',
      at: receiptedAt,
      by: 'recipient',
      proof: {
        receiptSha256,
        verdict: receiptVerdict,
        reasonCodes: [...(envelope.receiptReasonCodes ?? [])],
        receivedAt: receiptReceivedAt.toISOString(),
        receipt: recipientReceiptPath(envelope.envelopeId),
      },
    });
  }
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort(
      (a, b) =>
        a.entry.at.getTime() - b.entry.at.getTime() ||
        STEP_ORDER[a.entry.step] - STEP_ORDER[b.entry.step] ||
        a.index - b.index,
    )
    .map(({ entry }) => ({
      step: entry.step,
      at: entry.at.toISOString(),
      ...(entry.by ? { by: entry.by } : {}),
      proof: entry.proof,
    }));
}

export function itemOf(envelope: EnvelopeEntity, steps: readonly StepFields[]): EnvelopeItem {
  return {
    envelopeId: envelope.envelopeId,
    sender: { officeNumber: envelope.senderOfficeNumber, serviceType: envelope.senderServiceType },
    recipient: { officeNumber: envelope.recipientOfficeNumber, serviceType: envelope.recipientServiceType },
    kind: envelope.kind,
    targetMonth: envelope.targetMonth,
    fileSequence: envelope.fileSequence,
    files: envelope.files.map((file) => ({
      name: file.name,
      mediaType: file.mediaType,
      size: file.size,
      sha256: file.sha256,
    })),
    objectSize: envelope.objectSize,
    status: statusOf(envelope),
    acceptedAt: envelope.acceptedAt.toISOString(),
    availableAt: envelope.availableAt?.toISOString() ?? null,
    downloadedAt: envelope.firstDownloadedAt?.toISOString() ?? null,
    receiptedAt: envelope.receiptedAt?.toISOString() ?? null,
    inboxSeq: envelope.inboxSeq ?? null,
    timeline: timelineOf(envelope, steps),
  };
}

/**
 * The item as `officeNumber` sees it: the inbox number counts the recipient's arrivals, which is none of the
 * sender's business.
 */
export function itemFor(
  officeNumber: string,
  envelope: EnvelopeEntity,
  steps: readonly StepFields[],
): EnvelopeItem {
  const item = itemOf(envelope, steps);
  return envelope.recipientOfficeNumber === officeNumber ? item : { ...item, inboxSeq: null };
}
