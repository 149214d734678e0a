// The item of docs/exchange.md "Inbox and status": an envelope row and its steps as the API shows them.
import type { DownloaderRoleName, EnvelopeStepEntity } from './envelope-step.entity';
import type { EnvelopeEntity, EnvelopeFile } from './envelope.entity';

export type EnvelopeStatus = 'accepted' | 'available' | 'downloaded';

export interface PartyView {
  readonly officeNumber: string;
  readonly serviceType: string;
}

export interface TimelineEntry {
  readonly step: EnvelopeStatus;
  readonly at: string;
  readonly by?: DownloaderRoleName;
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
  readonly timeline: readonly TimelineEntry[];
}

export interface EnvelopePage {
  readonly items: readonly EnvelopeItem[];
  /** cursor of the following page, or null on the last one */
  readonly next: string | null;
}

type StatusFields = Pick<EnvelopeEntity, 'availableAt' | 'firstDownloadedAt'>;

/** The last step reached; only the recipient's download counts as `downloaded`. */
export function statusOf(envelope: StatusFields): EnvelopeStatus {
  if (envelope.firstDownloadedAt) return 'downloaded';
  if (envelope.availableAt) return 'available';
  return 'accepted';
}

const STEP_ORDER: Record<EnvelopeStatus, number> = { accepted: 0, available: 1, downloaded: 2 };

type TimelineFields = Pick<EnvelopeEntity, 'acceptedAt' | 'availableAt'>;
type StepFields = Pick<EnvelopeStepEntity, 'step' | 'at' | 'byRole'>;

/** accepted, available, then every download, by time (equal times keep that order). */
export function timelineOf(envelope: TimelineFields, steps: readonly StepFields[]): TimelineEntry[] {
  const entries: { step: EnvelopeStatus; at: Date; by?: DownloaderRoleName }[] = [
    { step: 'accepted', at: envelope.acceptedAt },
  ];
  if (envelope.availableAt) entries.push({ step: 'available', at: envelope.availableAt });
  for (const step of steps) entries.push({ step: step.step, at: step.at, by: step.byRole });
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
    timeline: timelineOf(envelope, steps),
  };
}
