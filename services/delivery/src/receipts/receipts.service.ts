// POST /v1/envelopes/{id}/receipt: the recipient's signed verdict (docs/exchange.md "Receipts"). Checks in order;
// the first failure answers and nothing is stored. One receipt per envelope: the same bytes again are answered
// as recorded, different ones are refused.
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  EnvelopeError,
  EnvelopeErrorCode,
  parseReceipt,
  type OfficeCertificateIdentity,
  type ParsedReceipt,
  type RecipientReceiptBody,
} from '@renkei/envelope';
import { PlatformConfig, type AuthPrincipal } from '@renkei/platform';
import type { EnvelopeEntity } from '../envelopes/envelope.entity';
import { DeliveryError, DeliveryErrorCode } from '../envelopes/envelopes.errors';
import { receiptRecordedEvent } from './receipt-recorded.util';
import { ReceiptSignerPolicy } from './receipt-signer.policy';
import { ReceiptsClock } from './receipts.clock';
import type { RecipientReceiptEntity } from './recipient-receipt.entity';
import { RecipientReceiptRepository } from './recipient-receipt.repository';

/** the answer to a recorded (or re-posted) receipt */
export interface RecordedReceipt {
  readonly envelopeId: string;
  readonly verdict: 'accepted' | 'rejected';
  readonly reasonCodes: readonly string[];
  readonly receiptSha256: string;
  readonly receivedAt: string;
  readonly recordedAt: string;
}

export interface RecordOutcome {
  /** false when the same receipt had been recorded before */
  readonly created: boolean;
  readonly receipt: RecordedReceipt;
}

const CODE_OF_ENVELOPE_ERROR: Readonly<Partial<Record<EnvelopeErrorCode, DeliveryErrorCode>>> = {
  [EnvelopeErrorCode.RECEIPT_INVALID]: DeliveryErrorCode.RECEIPT_INVALID,
  [EnvelopeErrorCode.SIGNATURE_INVALID]: DeliveryErrorCode.RECEIPT_SIGNATURE_INVALID,
  [EnvelopeErrorCode.LIMIT_EXCEEDED]: DeliveryErrorCode.RECEIPT_TOO_LARGE,
};

@Injectable()
export class ReceiptsService {
  private readonly logger = new Logger(ReceiptsService.name);

  constructor(
    @Inject(RecipientReceiptRepository) private readonly receipts: RecipientReceiptRepository,
    @Inject(ReceiptSignerPolicy) private readonly signerPolicy: ReceiptSignerPolicy,
    @Inject(ReceiptsClock) private readonly clock: ReceiptsClock,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
  ) {}

  async record(principal: AuthPrincipal, envelopeId: string, der: Buffer): Promise<RecordOutcome> {
    const known = await this.receipts.getEnvelope(envelopeId);
    // only the recipient, once the envelope is in its inbox; anyone else: the answer of an unknown id
    if (!known || known.recipientOfficeNumber !== principal.officeNumber || !known.availableAt) {
      throw new DeliveryError(DeliveryErrorCode.ENVELOPE_NOT_FOUND, 'no such envelope for this office');
    }
    const parsed = this.parse(der);
    const body = this.recipientBody(parsed);
    const now = this.clock.now();
    if (Date.parse(body.receivedAt) > now.getTime() + this.config.auth.clockSkewSeconds * 1000) {
      throw new DeliveryError(DeliveryErrorCode.RECEIPT_INVALID, 'the receipt is dated in the future');
    }
    // valid now and when the recipient says it signed
    const signer = this.signerPolicy.validate(parsed.signerCertificate, parsed.otherCertificates, {
      at: now,
      signedAt: new Date(body.receivedAt),
    });
    this.checkSigner(principal, signer, parsed, known, body);
    this.checkEnvelope(envelopeId, known, body);
    const outcome = await this.receipts.exclusively(envelopeId, async (session) => {
      // read again under the lock: the download may have been recorded meanwhile
      const envelope = (await session.envelope(envelopeId)) ?? known;
      if (!envelope.firstDownloadedAt) {
        throw new DeliveryError(
          DeliveryErrorCode.RECEIPT_BEFORE_DOWNLOAD,
          'the recipient has not downloaded this envelope yet',
        );
      }
      const existing = await session.receipt(envelopeId);
      if (existing) return { created: false, receipt: this.replay(existing, envelope, parsed) };
      const recordedAt = this.clock.now();
      const record = {
        envelopeId,
        receipt: der,
        receiptSha256: parsed.receiptSha256,
        signerCertificateSha256: parsed.signerCertificate.sha256,
        verdict: body.verdict,
        reasonCodes: body.reasons.map((reason) => reason.code),
        receivedAt: new Date(body.receivedAt),
        recordedAt,
      };
      await session.record(record, [
        receiptRecordedEvent(body, parsed.receiptSha256, recordedAt, this.clock.uuid()),
      ]);
      return {
        created: true,
        receipt: {
          envelopeId,
          verdict: record.verdict,
          reasonCodes: record.reasonCodes,
          receiptSha256: record.receiptSha256,
          receivedAt: record.receivedAt.toISOString(),
          recordedAt: recordedAt.toISOString(),
        },
      };
    });
    if (outcome.created) {
      this.logger.log(
        { envelopeId, recipient: principal.officeNumber, verdict: outcome.receipt.verdict },
        'recipient receipt recorded',
      );
    }
    return outcome;
  }

  /** the recipient receipt's DER, to the sender or the recipient of the envelope */
  async receiptOf(principal: AuthPrincipal, envelopeId: string): Promise<Buffer> {
    const envelope = await this.receipts.getEnvelope(envelopeId);
    const office = principal.officeNumber;
    const party =
      envelope !== null &&
      (envelope.senderOfficeNumber === office ||
        (envelope.recipientOfficeNumber === office && envelope.availableAt !== null));
    if (!party) {
      throw new DeliveryError(DeliveryErrorCode.ENVELOPE_NOT_FOUND, 'no such envelope for this office');
    }
    const receipt = await this.receipts.getByEnvelopeId(envelope.envelopeId);
    if (!receipt) {
      throw new DeliveryError(
        DeliveryErrorCode.RECEIPT_NOT_FOUND,
        'the recipient has not posted a receipt yet',
      );
    }
    return receipt.receipt;
  }

  private parse(der: Buffer): ParsedReceipt {
    try {
      return parseReceipt(der);
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      const code = CODE_OF_ENVELOPE_ERROR[error.code] ?? DeliveryErrorCode.RECEIPT_MALFORMED;
      throw new DeliveryError(code, error.message);
    }
  }

  private recipientBody(parsed: ParsedReceipt): RecipientReceiptBody {
    if (parsed.body.type !== 'recipient') {
      throw new DeliveryError(DeliveryErrorCode.RECEIPT_INVALID, 'not a recipient receipt');
    }
    return parsed.body;
  }

  /** signer = token office (and the token's certificate) = the envelope's recipient, with its service type */
  private checkSigner(
    principal: AuthPrincipal,
    signer: OfficeCertificateIdentity,
    parsed: ParsedReceipt,
    envelope: EnvelopeEntity,
    body: RecipientReceiptBody,
  ): void {
    const mismatch = (message: string): DeliveryError =>
      new DeliveryError(DeliveryErrorCode.RECEIPT_SIGNER_MISMATCH, message);
    if (signer.officeNumber !== principal.officeNumber) {
      throw mismatch('the receipt signer is not the office of the token');
    }
    if (parsed.signerCertificate.sha256 !== principal.certificateSha256) {
      throw mismatch('the receipt is not signed with the certificate the token was issued for');
    }
    if (!signer.serviceTypes.includes(envelope.recipientServiceType)) {
      throw mismatch(`the signer certificate does not carry the recipient's service type`);
    }
    if (
      body.recipient.officeNumber !== envelope.recipientOfficeNumber ||
      body.recipient.serviceType !== envelope.recipientServiceType
    ) {
      throw mismatch('the receipt names another recipient than the envelope');
    }
  }

  private checkEnvelope(envelopeId: string, envelope: EnvelopeEntity, body: RecipientReceiptBody): void {
    const same =
      body.envelopeId === envelopeId &&
      body.manifestSha256 === envelope.manifestSha256 &&
      body.sender.officeNumber === envelope.senderOfficeNumber &&
      body.sender.serviceType === envelope.senderServiceType;
    if (!same) {
      throw new DeliveryError(
        DeliveryErrorCode.RECEIPT_ENVELOPE_MISMATCH,
        'the receipt is for another envelope (id, manifest digest or sender differ)',
      );
    }
  }

  private replay(
    existing: RecipientReceiptEntity,
    envelope: EnvelopeEntity,
    parsed: ParsedReceipt,
  ): RecordedReceipt {
    if (existing.receiptSha256 !== parsed.receiptSha256) {
      throw new DeliveryError(
        DeliveryErrorCode.RECEIPT_ALREADY_RECORDED,
        'another receipt was already recorded for this envelope',
        { receiptSha256: existing.receiptSha256 },
      );
    }
    return {
      envelopeId: envelope.envelopeId,
      verdict: envelope.receiptVerdict ?? 'accepted',
      reasonCodes: envelope.receiptReasonCodes,
      receiptSha256: existing.receiptSha256,
      receivedAt: (envelope.receiptReceivedAt ?? existing.recordedAt).toISOString(),
      recordedAt: existing.recordedAt.toISOString(),
    };
  }
}
