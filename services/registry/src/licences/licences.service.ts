// Licences (docs/licences.md): the 利用申請 signed with the office certificate, the office's own renewal and
// cancellation, and an operator's suspension and reinstatement. Every change goes through the state machine and
// is recorded (licence row, audit row, event) in one transaction by LicenceChangeRecorder.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { readOfficeIdentity, verifySignedJson, type VerifiedSignedJson } from '@renkei/envelope';
import type { AuthPrincipal } from '@renkei/platform';
import type { EntityManager } from 'typeorm';
import { OfficeStatus } from '../offices/office.entity';
import { OfficesError, OfficesErrorCode } from '../offices/offices.errors';
import { OfficesService, type PublishedOffice } from '../offices/offices.service';
import { parseLicenceApplication, type LicenceApplication } from './dto/licence-application.dto';
import { LicenceActor, LicenceChangeRecorder } from './licence-change.recorder';
import { termFrom } from './licence-term.util';
import { LicenceEntity, LicenceState } from './licence.entity';
import { LicenceRepository } from './licence.repository';
import { LicenceAction } from './licence.state-machine';
import { licenceViewOf, type LicenceView } from './licence.view';
import { LicencesClock } from './licences.clock';
import { LicencesError, LicencesErrorCode } from './licences.errors';

@Injectable()
export class LicencesService {
  private readonly logger = new Logger(LicencesService.name);

  constructor(
    @Inject(LicenceRepository) private readonly licences: LicenceRepository,
    @Inject(LicenceChangeRecorder) private readonly recorder: LicenceChangeRecorder,
    @Inject(OfficesService) private readonly offices: OfficesService,
    @Inject(LicencesClock) private readonly clock: LicencesClock,
  ) {}

  /**
   * a signed 利用申請: opens (or reopens) the office's licence and approves it at once; the same application
   * sent again (a retry) answers the licence it opened, unchanged (`applied` false)
   */
  async apply(
    principal: AuthPrincipal,
    der: Uint8Array,
  ): Promise<{ applied: boolean; licence: LicenceView }> {
    const application = this.checkApplication(principal, der);
    await this.checkRegistered(application.officeNumber);
    const actor = officeActor(principal);
    const result = await this.licences.transaction(async (manager) => {
      const now = this.clock.now();
      const fresh = Object.assign(new LicenceEntity(), {
        officeNumber: application.officeNumber,
        licenceId: this.clock.uuid(),
        prefecture: application.officeNumber.slice(0, 2),
        serviceTypes: [...application.serviceTypes],
        state: LicenceState.PENDING,
        termStart: null,
        termEnd: null,
        autoRenew: application.autoRenew,
        reason: '',
        certificateSha256: principal.certificateSha256,
        version: 0,
        appliedAt: new Date(application.appliedAt),
        createdAt: now,
        updatedAt: now,
      } satisfies LicenceEntity);
      let current: LicenceEntity;
      let from: LicenceState | null = null;
      if (await this.licences.insertIfAbsent(manager, fresh)) {
        current = fresh;
      } else {
        const existing = await this.licences.lockByNumber(manager, application.officeNumber);
        if (!existing) throw new Error(`licence ${application.officeNumber} vanished inside its transaction`);
        if (isSameApplication(existing, fresh)) return { applied: false, licence: existing };
        refuseReapplication(existing);
        from = existing.state;
        current = Object.assign(existing, {
          serviceTypes: fresh.serviceTypes,
          autoRenew: fresh.autoRenew,
          certificateSha256: fresh.certificateSha256,
          appliedAt: fresh.appliedAt,
        });
      }
      await this.recorder.record(manager, current, from, {
        action: LicenceAction.APPLY,
        reason: 'licence application (利用申請) signed with the office certificate',
        actor,
      });
      const approved = await this.recorder.record(manager, current, LicenceState.PENDING, {
        action: LicenceAction.APPROVE,
        reason: 'approved: valid signature by an office active in the directory',
        actor,
        term: termFrom(this.clock.now()),
      });
      return { applied: true, licence: approved };
    });
    if (result.applied) {
      this.logger.log(
        { officeNumber: result.licence.officeNumber, version: result.licence.version },
        'licence activated',
      );
    }
    return { applied: result.applied, licence: licenceViewOf(result.licence) };
  }

  async getOwn(principal: AuthPrincipal): Promise<LicenceView> {
    const licence = await this.licences.getByNumber(principal.officeNumber);
    if (!licence) throw notFound();
    return licenceViewOf(licence);
  }

  /** the office renews: turns auto-renewal on or off on a live licence, or starts a new term on an expired one */
  renew(principal: AuthPrincipal, autoRenew: boolean): Promise<LicenceView> {
    return this.change(principal.officeNumber, async (licence, manager) => {
      const actor = officeActor(principal);
      if (licence.state === LicenceState.EXPIRED) {
        return this.recorder.record(manager, licence, licence.state, {
          action: LicenceAction.RENEW,
          reason: 'renewed by the office after expiry',
          actor,
          term: termFrom(this.clock.now()),
          autoRenew,
        });
      }
      if (licence.state === LicenceState.ACTIVE && licence.autoRenew === autoRenew) return licence;
      return this.recorder.record(manager, licence, licence.state, {
        action: LicenceAction.SET_AUTO_RENEW,
        reason: `auto-renewal turned ${autoRenew ? 'on' : 'off'} by the office`,
        actor,
        autoRenew,
      });
    });
  }

  cancelOwn(principal: AuthPrincipal, reason: string): Promise<LicenceView> {
    return this.transition(principal.officeNumber, LicenceAction.CANCEL, reason, officeActor(principal));
  }

  /** an operator cancels an office's licence */
  cancel(principal: AuthPrincipal, officeNumber: string, reason: string): Promise<LicenceView> {
    return this.transition(officeNumber, LicenceAction.CANCEL, reason, operatorActor(principal));
  }

  suspend(principal: AuthPrincipal, officeNumber: string, reason: string): Promise<LicenceView> {
    return this.transition(officeNumber, LicenceAction.SUSPEND, reason, operatorActor(principal));
  }

  reinstate(principal: AuthPrincipal, officeNumber: string, reason: string): Promise<LicenceView> {
    return this.transition(officeNumber, LicenceAction.REINSTATE, reason, operatorActor(principal));
  }

  private transition(
    officeNumber: string,
    action: LicenceAction,
    reason: string,
    actor: LicenceActor,
  ): Promise<LicenceView> {
    return this.change(officeNumber, (licence, manager) =>
      this.recorder.record(manager, licence, licence.state, {
        action,
        reason,
        actor,
        // a cancelled licence never renews
        ...(action === LicenceAction.CANCEL ? { autoRenew: false } : {}),
      }),
    );
  }

  private async change(
    officeNumber: string,
    work: (licence: LicenceEntity, manager: EntityManager) => Promise<LicenceEntity>,
  ): Promise<LicenceView> {
    const licence = await this.licences.transaction(async (manager) => {
      const locked = await this.licences.lockByNumber(manager, officeNumber);
      if (!locked) throw notFound();
      return work(locked, manager);
    });
    this.logger.log(
      { officeNumber: licence.officeNumber, state: licence.state, version: licence.version },
      'licence changed',
    );
    return licenceViewOf(licence);
  }

  /** the signature holds, the signer is the token's certificate and office, and it covers what is asked */
  private checkApplication(principal: AuthPrincipal, der: Uint8Array): LicenceApplication {
    let signed: VerifiedSignedJson;
    try {
      signed = verifySignedJson(der);
    } catch {
      throw new LicencesError(
        LicencesErrorCode.LICENCE_APPLICATION_SIGNATURE_INVALID,
        'the application is not a CMS SignedData whose signature verifies over canonical JSON',
      );
    }
    const identity = readOfficeIdentity(signed.signerCertificate.der);
    if (
      signed.signerCertificate.sha256 !== principal.certificateSha256 ||
      identity.officeNumber !== principal.officeNumber
    ) {
      throw new LicencesError(
        LicencesErrorCode.LICENCE_APPLICATION_NOT_AUTHENTICATED,
        'the application is not signed with the certificate the token was issued for',
      );
    }
    const application = parseLicenceApplication(signed.value);
    if (application.officeNumber !== principal.officeNumber) {
      throw new LicencesError(
        LicencesErrorCode.LICENCE_APPLICATION_NOT_AUTHENTICATED,
        'the application names another office than the token',
      );
    }
    const uncovered = application.serviceTypes.filter((code) => !identity.serviceTypes.includes(code));
    if (uncovered.length > 0) {
      throw new LicencesError(
        LicencesErrorCode.LICENCE_SERVICE_TYPE_NOT_COVERED,
        'the office certificate does not carry every requested service type',
        { serviceTypes: uncovered },
      );
    }
    return application;
  }

  private async checkRegistered(officeNumber: string): Promise<void> {
    let office: PublishedOffice;
    try {
      office = await this.offices.get(officeNumber);
    } catch (error) {
      if (error instanceof OfficesError && error.code === OfficesErrorCode.OFFICE_NOT_FOUND) {
        throw notRegistered();
      }
      throw error;
    }
    if (office.status !== OfficeStatus.ACTIVE) throw notRegistered();
  }
}

/** the live licence was opened by this very application (same certificate, same signed document) */
function isSameApplication(existing: LicenceEntity, fresh: LicenceEntity): boolean {
  return (
    existing.state === LicenceState.ACTIVE &&
    existing.certificateSha256 === fresh.certificateSha256 &&
    existing.appliedAt.getTime() === fresh.appliedAt.getTime() &&
    existing.autoRenew === fresh.autoRenew &&
    existing.serviceTypes.join(',') === fresh.serviceTypes.join(',')
  );
}

function refuseReapplication(existing: LicenceEntity): void {
  if (existing.state === LicenceState.ACTIVE) {
    throw new LicencesError(
      LicencesErrorCode.LICENCE_ALREADY_ACTIVE,
      'this office already holds a live licence',
    );
  }
  if (existing.state === LicenceState.SUSPENDED) {
    throw new LicencesError(
      LicencesErrorCode.LICENCE_SUSPENDED,
      "this office's licence is suspended by an operator; an application does not lift a suspension",
    );
  }
}

const notFound = (): LicencesError =>
  new LicencesError(LicencesErrorCode.LICENCE_NOT_FOUND, 'no licence for this office');

const notRegistered = (): LicencesError =>
  new LicencesError(
    LicencesErrorCode.LICENCE_OFFICE_NOT_REGISTERED,
    'the office is not active in the directory: publish its certificate first (PUT /v1/offices/me)',
  );

const officeActor = (principal: AuthPrincipal): LicenceActor => ({
  id: principal.officeNumber,
  role: 'office',
});
const operatorActor = (principal: AuthPrincipal): LicenceActor => ({
  id: principal.officeNumber,
  role: 'operator',
});
