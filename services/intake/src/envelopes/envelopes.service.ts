// POST /v1/envelopes after the token and the body: the checks of docs/exchange.md (Send) in their order, then
// de-duplication, the object PUT, and the row + outbox event in one transaction. The first failure answers and
// nothing is stored.
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  EnvelopeError,
  parseEnvelope,
  verifySignature,
  type Manifest,
  type OfficeCertificateIdentity,
  type ParsedEnvelope,
} from '@renkei/envelope';
import { ObjectStore, type AuthPrincipal } from '@renkei/platform';
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
import { SignerCertificatePolicy } from './signer-certificate.policy';

/** the 202 body */
export interface AcceptedEnvelope {
  readonly envelopeId: string;
  readonly status: 'accepted';
  readonly acceptedAt: string;
  readonly manifestSha256: string;
  readonly objectSha256: string;
  readonly objectSize: number;
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
    @Inject(EnvelopeRepository) private readonly envelopes: EnvelopeRepository,
    @Inject(ObjectStore) private readonly objects: ObjectStore,
    @Inject(IntakeClock) private readonly clock: IntakeClock,
  ) {}

  async accept(principal: AuthPrincipal, der: Buffer): Promise<AcceptedEnvelope> {
    const parsed = this.verify(der);
    const { manifest } = parsed;
    // the chain may pass through CA certificates the sender included in the SignedData
    const signer = this.signerPolicy.validate(
      parsed.signerCertificate,
      parsed.otherCertificates,
      this.clock.now(),
    );
    this.checkBinding(principal, signer, manifest);
    await this.checkRecipient(manifest);
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

  /** check 4: signer = token office = manifest sender, and the sender's service type is the certificate's */
  private checkBinding(
    principal: AuthPrincipal,
    signer: OfficeCertificateIdentity,
    manifest: Manifest,
  ): void {
    const { sender } = manifest;
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

  /** check 5: an active office of the directory, with that service type */
  private async checkRecipient(manifest: Manifest): Promise<void> {
    const { recipient } = manifest;
    const office = await this.offices.getByOfficeNumber(recipient.officeNumber);
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
    await session.createWithEvents(envelope, [envelopeAcceptedEvent(envelope, this.clock.uuid())]);
    return {
      envelopeId: envelope.envelopeId,
      status: 'accepted',
      acceptedAt: acceptedAt.toISOString(),
      manifestSha256: envelope.manifestSha256,
      objectSha256: stored.sha256,
      objectSize: stored.size,
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
