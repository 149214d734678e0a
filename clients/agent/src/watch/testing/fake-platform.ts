// An in-memory platform for the watcher's unit specs: intake (acceptance receipts signed by a platform certificate
// of the test CA, ENVELOPE_DUPLICATE for the same id and manifest, ENVELOPE_ID_CONFLICT otherwise), the office
// directory, delivery's inbox (available → downloaded → receipted/rejected, each arrival numbered per recipient
// office as delivery's inbox_seq) and storage. `down` makes every call fail as a connection failure does;
// `loseAnswers` stores a POST and then loses its answer; `listings` records every inbox listing.
import { parseEnvelope, parseReceipt, signReceipt } from '@renkei/envelope';
import { DevCredential, issuePlatformCertificate } from '@renkei/pki';
import { AgentError, AgentErrorCode, ExitCode } from '../../agent.errors';
import type { EnvelopeItem } from '../../platform-client';
import type { WatchClient } from '../watcher';

interface Stored {
  der: Uint8Array;
  manifestSha256: string;
  item: EnvelopeItem;
  receipt: Uint8Array;
  recipientReceipt?: { verdict: 'accepted' | 'rejected'; reasons: string[] };
  downloads: number;
}

export interface Party {
  officeNumber: string;
  serviceType: string;
}

export class FakePlatform {
  down = false;
  /** the next N POSTs are stored, then answered by a connection failure */
  loseAnswers = 0;
  readonly posts: string[] = [];
  readonly envelopes = new Map<string, Stored>();
  /** every GET /v1/inbox?since=: the office, its since and the envelope ids it answered */
  readonly listings: { officeNumber: string; since: number; envelopeIds: string[] }[] = [];
  private readonly signer: DevCredential;
  private readonly offices = new Map<string, string>();
  /** the last inbox number given, per recipient office */
  private readonly inboxSeqs = new Map<string, number>();

  constructor(ca: DevCredential) {
    this.signer = issuePlatformCertificate(ca, { name: 'TEST ONLY platform' });
  }

  publish(officeNumber: string, certificatePem: string): void {
    this.offices.set(officeNumber, certificatePem);
  }

  clientFor(office: Party): WatchClient {
    const check = (): void => {
      if (this.down) {
        throw new AgentError(
          AgentErrorCode.PLATFORM_UNREACHABLE,
          'プラットフォームに接続できません (platform unreachable): fake',
          ExitCode.Unreachable,
        );
      }
    };
    const refuse = (code: string, status: number, details?: unknown): AgentError =>
      new AgentError(code, `refused ${code}`, status === 404 ? ExitCode.NotFound : ExitCode.Refused, {
        status,
        ...(details !== undefined ? { details } : {}),
      });
    return {
      endpoints: {
        certificate: 'http://fake',
        registry: 'http://fake',
        intake: 'http://fake',
        storage: 'http://fake',
        delivery: 'http://fake',
      },
      getToken: async () => {
        check();
        return 'token';
      },
      getOffice: async (officeNumber) => {
        check();
        const pem = this.offices.get(officeNumber);
        if (!pem) throw refuse('OFFICE_NOT_FOUND', 404);
        return {
          officeNumber,
          serviceTypes: [],
          status: 'active',
          certificatePem: pem,
          certificateSha256: '',
          version: 1,
        };
      },
      postEnvelope: async (der) => {
        check();
        const parsed = parseEnvelope(der);
        const { manifest } = parsed;
        const existing = this.envelopes.get(manifest.envelopeId);
        if (existing) {
          if (existing.manifestSha256 !== parsed.manifestSha256) throw refuse('ENVELOPE_ID_CONFLICT', 409);
          throw refuse('ENVELOPE_DUPLICATE', 409, {
            envelopeId: manifest.envelopeId,
            status: 'accepted',
            receipt: Buffer.from(existing.receipt).toString('base64'),
          });
        }
        if (manifest.sender.officeNumber !== office.officeNumber) throw refuse('SENDER_MISMATCH', 403);
        this.posts.push(manifest.envelopeId);
        const acceptedAt = new Date().toISOString();
        const receipt = signReceipt(
          {
            type: 'acceptance',
            version: 1,
            envelopeId: manifest.envelopeId,
            manifestSha256: parsed.manifestSha256,
            contentSha256: parsed.contentSha256,
            objectSha256: 'ef'.repeat(32),
            sender: manifest.sender,
            recipient: manifest.recipient,
            acceptedAt,
            platform: 'renkei',
          },
          { certificate: this.signer.certificate, privateKey: this.signer.privateKey },
        );
        // available at once: numbered in its recipient's inbox
        const inboxSeq = (this.inboxSeqs.get(manifest.recipient.officeNumber) ?? 0) + 1;
        this.inboxSeqs.set(manifest.recipient.officeNumber, inboxSeq);
        this.envelopes.set(manifest.envelopeId, {
          der,
          manifestSha256: parsed.manifestSha256,
          receipt,
          downloads: 0,
          item: {
            envelopeId: manifest.envelopeId,
            sender: manifest.sender,
            recipient: manifest.recipient,
            kind: manifest.kind,
            targetMonth: manifest.targetMonth,
            fileSequence: manifest.fileSequence,
            files: manifest.files.map((f) => ({
              name: f.name,
              mediaType: f.mediaType,
              size: f.size,
              sha256: f.sha256,
            })),
            objectSize: der.length,
            status: 'available',
            acceptedAt,
            availableAt: acceptedAt,
            downloadedAt: null,
            inboxSeq,
          },
        });
        if (this.loseAnswers > 0) {
          this.loseAnswers -= 1;
          throw new AgentError(AgentErrorCode.PLATFORM_UNREACHABLE, 'answer lost', ExitCode.Unreachable);
        }
        return {
          envelopeId: manifest.envelopeId,
          status: 'accepted',
          receipt: Buffer.from(receipt).toString('base64'),
        };
      },
      getAcceptanceReceipt: async (envelopeId) => {
        check();
        const stored = this.envelopes.get(envelopeId);
        if (!stored) throw refuse('ENVELOPE_NOT_FOUND', 404);
        return stored.receipt;
      },
      listInboxSince: async (since) => {
        check();
        const items = [...this.envelopes.values()]
          .map((stored) => stored.item)
          .filter((item) => item.recipient.officeNumber === office.officeNumber)
          .filter((item) => (item.inboxSeq as number) > since)
          .sort((a, b) => (a.inboxSeq as number) - (b.inboxSeq as number))
          .map((item) => ({ ...item }));
        this.listings.push({
          officeNumber: office.officeNumber,
          since,
          envelopeIds: items.map((item) => item.envelopeId),
        });
        return { items, last: items.at(-1)?.inboxSeq ?? since };
      },
      downloadContent: async (envelopeId) => {
        check();
        const stored = this.envelopes.get(envelopeId);
        if (!stored || stored.item.recipient.officeNumber !== office.officeNumber) {
          throw refuse('ENVELOPE_NOT_FOUND', 404);
        }
        stored.downloads += 1;
        if (stored.item.status === 'available') {
          stored.item = { ...stored.item, status: 'downloaded', downloadedAt: new Date().toISOString() };
        }
        return stored.der;
      },
      postReceipt: async (envelopeId, der) => {
        check();
        const stored = this.envelopes.get(envelopeId);
        if (!stored) throw refuse('ENVELOPE_NOT_FOUND', 404);
        if (stored.recipientReceipt) throw refuse('RECEIPT_ALREADY_RECORDED', 409);
        if (stored.item.downloadedAt === null) throw refuse('RECEIPT_BEFORE_DOWNLOAD', 409);
        const body = parseReceipt(der).body as {
          verdict: 'accepted' | 'rejected';
          reasons: { code: string }[];
        };
        stored.recipientReceipt = { verdict: body.verdict, reasons: body.reasons.map((r) => r.code) };
        stored.item = { ...stored.item, status: body.verdict === 'accepted' ? 'receipted' : 'rejected' };
        return {
          envelopeId,
          verdict: body.verdict,
          reasonCodes: stored.recipientReceipt.reasons,
          receiptSha256: 'ab'.repeat(32),
          receivedAt: new Date().toISOString(),
          recordedAt: new Date().toISOString(),
        };
      },
    };
  }
}
