// Events → what delivery records. Anything an event must carry but does not is permanent (the message goes to
// the DLQ): retrying an event that lacks its envelope id can never succeed.
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  DownloaderRole,
  type EnvelopeAccepted,
  type EnvelopeAvailable,
  type EnvelopeDownloaded,
  type EnvelopeSummary,
  type Party,
} from '@renkei/contracts';
import { PermanentMessageError } from '@renkei/platform';
import type { DownloaderRoleName } from './envelope-step.entity';
import type { EnvelopeRecord } from './envelope.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DownloadRecord {
  readonly eventId: string;
  readonly envelopeId: string;
  readonly at: Date;
  readonly byOfficeNumber: string;
  readonly byServiceType: string;
  readonly byRole: DownloaderRoleName;
  readonly bytes: number;
}

function invalid(problem: string): PermanentMessageError {
  return new PermanentMessageError('invalid-event', problem);
}

function envelopeIdOf(value: string): string {
  if (!UUID.test(value)) throw invalid('envelope id is not a UUID');
  return value.toLowerCase();
}

function dateOf(value: Timestamp | undefined, field: string): Date {
  if (!value) throw invalid(`${field} is missing`);
  return timestampDate(value);
}

function partyOf(value: Party | undefined, field: string): Party {
  if (!value?.officeNumber) throw invalid(`${field} is missing`);
  return value;
}

function recordOf(summary: EnvelopeSummary | undefined, availableAt: Date | null): EnvelopeRecord {
  if (!summary) throw invalid('envelope is missing');
  const sender = partyOf(summary.sender, 'sender');
  const recipient = partyOf(summary.recipient, 'recipient');
  return {
    envelopeId: envelopeIdOf(summary.envelopeId),
    senderOfficeNumber: sender.officeNumber,
    senderServiceType: sender.serviceType,
    recipientOfficeNumber: recipient.officeNumber,
    recipientServiceType: recipient.serviceType,
    kind: summary.kind,
    targetMonth: summary.targetMonth,
    fileSequence: summary.fileSequence,
    files: summary.files.map((file) => ({
      name: file.name,
      mediaType: file.mediaType,
      size: Number(file.size),
      sha256: file.sha256,
    })),
    manifestSha256: summary.manifestSha256,
    objectSha256: summary.objectSha256,
    objectSize: Number(summary.objectSize),
    acceptedAt: dateOf(summary.acceptedAt, 'acceptedAt'),
    availableAt,
  };
}

export function recordOfAccepted(event: EnvelopeAccepted): EnvelopeRecord {
  return recordOf(event.envelope, null);
}

export function recordOfAvailable(event: EnvelopeAvailable): EnvelopeRecord {
  return recordOf(event.envelope, dateOf(event.availableAt, 'availableAt'));
}

function roleOf(role: DownloaderRole): DownloaderRoleName {
  switch (role) {
    case DownloaderRole.RECIPIENT:
      return 'recipient';
    case DownloaderRole.SENDER:
      return 'sender';
    case DownloaderRole.UNSPECIFIED:
      throw invalid('downloader role is not set');
    default:
      throw invalid(`unknown downloader role ${String(role)}`);
  }
}

export function recordOfDownloaded(event: EnvelopeDownloaded, eventId: string): DownloadRecord {
  const by = partyOf(event.downloadedBy, 'downloadedBy');
  return {
    eventId,
    envelopeId: envelopeIdOf(event.envelopeId),
    at: dateOf(event.downloadedAt, 'downloadedAt'),
    byOfficeNumber: by.officeNumber,
    byServiceType: by.serviceType,
    byRole: roleOf(event.role),
    bytes: Number(event.bytes),
  };
}
