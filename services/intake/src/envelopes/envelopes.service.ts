// POST /v1/envelopes after the token and the body: the checks of docs/exchange.md (Send) in their order, then
// de-duplication, the object PUT, and the row + outbox event in one transaction. The first failure answers and
// nothing is stored.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { isLicenceLive } from '@renkei/contracts';
import {
  EnvelopeError,
  parseEnvelope,
  verifySignature,
  type Manifest,
  type PrincipalIdentity,
  type ParsedEnvelope,
} from '@renkei/envelope';
import { KnownLicenceRepository, ObjectStore, type AuthPrincipal } from '@renkei/platform';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { KnownOfficeStatus } from '../directory/known-office.entity';
import { KnownOfficeRepository } from '../directory/known-office.repository';
import { envelopeAcceptedEvent } from './envelope-accepted.util';
import { EnvelopeEntity, EnvelopeStatus } from './envelope.entity';
import { EnvelopeIdTakenError, EnvelopeRepository, EnvelopeSession } from './envelope.repository';
import { IntakeError, IntakeErrorCode } from './envelopes.errors';
import { INTAKE_CODE_OF_ENVELOPE } from './error-mapping.util';
import { IntakeClock } from './intake.clock';
import { sendUnitProblems } from './send-unit.util';
import { PLATFORM_NAME, ReceiptSigner } from './receipt.signer';
import { SignerCertificatePolicy } from './signer-certificate.policy';

/** the 202 body */
export interface AcceptedEnvelope {
  readonly envelopeId: string;
  readonly status: 'accepted';
  readonly acceptedAt: string;
  readonly manifestSha256: string;
  readonly objectSha256: string;
  readonly objectSize: number;
  /** base64 DER of the platform's signed acceptance receipt (docs/envelope.md §10) */
  readonly receipt: string;
}

const CMS_MEDIA_TYPE = 'application/cms';

/** `envelopes/<yyyy>/<mm>/<envelopeId>`, from the acceptance time (UTC) */
export function objectKeyOf(envelopeId: string, acceptedAt: Date): string {
  const year = String(acceptedAt.getUTCFullYear());
  const month = String(acceptedAt.getUTCMonth() + 1).padStart(2, '0');
  return `envelopes/${year}/${month}/${envelopeId}`;
}

@Injectable()
export class EnvelopesService {
  private readonly logger = new Logger(EnvelopesService.name);

  constructor(
    @Inject(SignerCertificatePolicy) private readonly signerPolicy: SignerCertificatePolicy,
    @Inject(KnownOfficeRepository) private readonly offices: KnownOfficeRepository,
    @Inject(KnownLicenceRepository) private readonly licences: KnownLicenceRepository,
    @Inject(EnvelopeRepository) private readonly envelopes: EnvelopeRepository,
    @Inject(ObjectStore) private readonly objects: ObjectStore,
    @Inject(IntakeClock) private readonly clock: IntakeClock,
    @Inject(ReceiptSigner) private readonly receipts: ReceiptSigner,
  ) {}

  async accept(principal: AuthPrincipal, der: Buffer): Promise<AcceptedEnvelope> {
    // without a receipt key nothing is accepted: refuse before anything is stored
    this.receipts.assertReady();
    const parsed = this.verify(der);
    const { manifest } = parsed;
    // the chain may pass through CA certificates the sender included in the SignedData
    const signer = this.signerPolicy.validate(parsed.signerCertificate, parsed.otherCertificates, {
      at: this.clock.now(),
      signedAt: new Date(manifest.createdAt),
    });
    this.checkBinding(principal, parsed, signer);
    await this.checkParties(manifest);
    this.checkSendUnit(manifest);
    try {
      const accepted = await this.envelopes.exclusively(manifest.envelopeId, async (session) => {
        // check 7, before anything is stored: a replay stores nothing
        const existing = await session.getById(manifest.envelopeId);
        if (existing) throw this.replayError(existing, manifest, parsed.manifestSha256);
        return this.store(session, der, parsed);
      });
      this.logger.log(
        {
          envelopeId: manifest.envelopeId,
          sender: manifest.sender.officeNumber,
          recipient: manifest.recipient.officeNumber,
          kind: manifest.kind,
          objectSize: accepted.objectSize,
        },
        'envelope accepted',
      );
      return accepted;
    } catch (error) {
      if (!(error instanceof EnvelopeIdTakenError)) throw error;
      // unreachable behind the id lock; kept as the primary key's last word. What this request PUT stays an
      // orphan object for storage's future sweeper.
      const existing = await this.envelopes.getById(manifest.envelopeId);
      if (!existing) throw error;
      throw this.replayError(existing, manifest, parsed.manifestSha256);
    }
  }

  /**
   * The acceptance receipt of an envelope, to its sender or its recipient; anyone else gets the answer of an
   * unknown id, so ids cannot be probed.
   */
  async acceptanceReceipt(principal: AuthPrincipal, envelopeId: string): Promise<Buffer> {
    const row = await this.envelopes.getById(envelopeId);
    const office = principal.officeNumber;
    const party = row !== null && (row.senderOfficeNumber === office || row.recipientOfficeNumber === office);
    if (!party || !row.acceptanceReceipt) {
      throw new IntakeError(
        IntakeErrorCode.ENVELOPE_NOT_FOUND,
        'no acceptance receipt of such an envelope for this office',
      );
    }
    return row.acceptanceReceipt;
  }

  /**
   * check 2: structure, manifest, signature over the signed attributes and the content digest; the DER reader
   * parses, and the signer's public key comes from the policy's certificate cache
   */
  private verify(der: Buffer): ParsedEnvelope {
    try {
      const parsed = parseEnvelope(der);
      verifySignature(parsed, { publicKey: this.signerPolicy.publicKeyOf(parsed.signerCertificate) });
      return parsed;
    } catch (error) {
      if (error instanceof EnvelopeError) {
        throw new IntakeError(INTAKE_CODE_OF_ENVELOPE[error.code], error.message);
      }
      throw error;
    }
  }

  /**
   * check 4: the token was issued for the signer certificate; signer = token office = manifest sender; the
   * sender's service type is the certificate's
   */
  private checkBinding(principal: AuthPrincipal, parsed: ParsedEnvelope, signer: PrincipalIdentity): void {
    if (principal.certificateSha256 !== parsed.signerCertificate.sha256) {
      throw new IntakeError(
        IntakeErrorCode.SENDER_MISMATCH,
        'the token was issued for another certificate than the one that signed the envelope',
      );
    }
    const { sender } = parsed.manifest;
    if (signer.officeNumber !== principal.officeNumber || sender.officeNumber !== signer.officeNumber) {
      throw new IntakeError(
        IntakeErrorCode.SENDER_MISMATCH,
        'the signer, the token and the manifest sender are not the same office',
      );
    }
    if (!signer.serviceTypes.includes(sender.serviceType)) {
      throw new IntakeError(
        IntakeErrorCode.SENDER_MISMATCH,
        `the signer certificate does not carry the sender's service type ${sender.serviceType}`,
      );
    }
  }

  /**
   * check 5, from intake's read models (no call to registry): the sender holds a live licence; the recipient is
   * an active office of the directory, with that service type, and holds a live licence
   */
  private async checkParties(manifest: Manifest): Promise<void> {
    const { sender, recipient } = manifest;
    const [office, licences] = await Promise.all([
      this.offices.getByOfficeNumber(recipient.officeNumber),
      this.licences.findByOfficeNumbers([sender.officeNumber, recipient.officeNumber]),
    ]);
    const now = this.clock.now();
    const live = (officeNumber: string): boolean =>
      isLicenceLive(
        licences.find((licence) => licence.officeNumber === officeNumber),
        now,
      );
    if (!live(sender.officeNumber)) {
      throw new IntakeError(
        IntakeErrorCode.SENDER_LICENCE_NOT_LIVE,
        `the sender ${sender.officeNumber} holds no live licence`,
      );
    }
    if (
      !office ||
      office.status !== KnownOfficeStatus.Active ||
      !office.serviceTypes.includes(recipient.serviceType)
    ) {
      throw new IntakeError(
        IntakeErrorCode.RECIPIENT_UNKNOWN,
        `${recipient.officeNumber}/${recipient.serviceType} is not an active office of the directory`,
      );
    }
    if (!live(recipient.officeNumber)) {
      throw new IntakeError(
        IntakeErrorCode.RECIPIENT_LICENCE_NOT_LIVE,
        `the recipient ${recipient.officeNumber} holds no live licence`,
      );
    }
  }

  /** check 6 */
  private checkSendUnit(manifest: Manifest): void {
    const problems = sendUnitProblems(manifest);
    if (problems.length > 0) {
      throw new IntakeError(
        IntakeErrorCode.SEND_UNIT_INVALID,
        `not a legal send unit: ${problems[0].message}`,
        { problems },
      );
    }
  }

  private replayError(existing: EnvelopeEntity, manifest: Manifest, manifestSha256: string): IntakeError {
    const same =
      existing.senderOfficeNumber === manifest.sender.officeNumber &&
      existing.manifestSha256 === manifestSha256;
    if (!same) {
      return new IntakeError(
        IntakeErrorCode.ENVELOPE_ID_CONFLICT,
        'this envelope id was already used for a different envelope',
      );
    }
    return new IntakeError(IntakeErrorCode.ENVELOPE_DUPLICATE, 'this envelope was already accepted', {
      envelopeId: existing.envelopeId,
      status: existing.status,
      acceptedAt: existing.acceptedAt.toISOString(),
      // an agent that lost the 202 gets its receipt here
      ...(existing.acceptanceReceipt ? { receipt: existing.acceptanceReceipt.toString('base64') } : {}),
    });
  }

  /** step 8: the object first, then the row and its event, committed with the session's transaction */
  private async store(
    session: EnvelopeSession,
    der: Buffer,
    parsed: ParsedEnvelope,
  ): Promise<AcceptedEnvelope> {
    const { manifest } = parsed;
    const acceptedAt = this.clock.now();
    const objectKey = objectKeyOf(manifest.envelopeId, acceptedAt);
    // the store hashes the bytes as it writes them: its sha256 is the object's, no second pass here
    const stored = await this.objects.put(objectKey, Readable.from([der]), {
      contentType: CMS_MEDIA_TYPE,
    });
    const envelope = this.envelopeRow(parsed, objectKey, stored.size, stored.sha256, acceptedAt);
    // signed before the commit: the row and its receipt are stored together or not at all
    const receipt = Buffer.from(
      this.receipts.sign({
        type: 'acceptance',
        version: 1,
        envelopeId: manifest.envelopeId,
        manifestSha256: parsed.manifestSha256,
        contentSha256: parsed.contentSha256,
        objectSha256: stored.sha256,
        sender: { ...manifest.sender },
        recipient: { ...manifest.recipient },
        acceptedAt: acceptedAt.toISOString(),
        platform: PLATFORM_NAME,
      }),
    );
    envelope.acceptanceReceipt = receipt;
    envelope.acceptanceReceiptSha256 = createHash('sha256').update(receipt).digest('hex');
    await session.createWithEvents(envelope, [envelopeAcceptedEvent(envelope, this.clock.uuid())]);
    return {
      envelopeId: envelope.envelopeId,
      status: 'accepted',
      acceptedAt: acceptedAt.toISOString(),
      manifestSha256: envelope.manifestSha256,
      objectSha256: stored.sha256,
      objectSize: stored.size,
      receipt: receipt.toString('base64'),
    };
  }

  private envelopeRow(
    parsed: ParsedEnvelope,
    objectKey: string,
    objectSize: number,
    objectSha256: string,
    acceptedAt: Date,
  ): EnvelopeEntity {
    const { manifest } = parsed;
    const envelope = new EnvelopeEntity();
    envelope.envelopeId = manifest.envelopeId;
    envelope.senderOfficeNumber = manifest.sender.officeNumber;
    envelope.senderServiceType = manifest.sender.serviceType;
    envelope.recipientOfficeNumber = manifest.recipient.officeNumber;
    envelope.recipientServiceType = manifest.recipient.serviceType;
    envelope.kind = manifest.kind;
    envelope.targetMonth = manifest.targetMonth;
    envelope.fileSequence = manifest.fileSequence;
    envelope.manifest = manifest;
    envelope.manifestSha256 = parsed.manifestSha256;
    envelope.contentSha256 = parsed.contentSha256;
    envelope.signerCertificateSha256 = parsed.signerCertificate.sha256;
    envelope.objectKey = objectKey;
    envelope.objectSize = String(objectSize);
    envelope.objectSha256 = objectSha256;
    envelope.acceptedAt = acceptedAt;
    envelope.status = EnvelopeStatus.Accepted;
    return envelope;
  }
}
