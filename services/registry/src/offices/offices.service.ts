// The minimal directory: an authenticated office publishes the certificate it authenticated with; anyone with a
// token reads it. Every change commits with its registry.office.changed.v1 event (outbox), so intake's read
// model follows the directory.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthPrincipal, Outbox, PlatformConfig } from '@renkei/platform';
import { OfficeMasterService } from '../office-master/office-master.service';
import { CertificateExpiryService, CertificateStatus } from './certificate-expiry.service';
import { pemOf, PresentedCertificate } from './dto/register-office.dto';
import { officeChangedEvent } from './office-changed.event';
import { OfficeEntity, OfficeStatus } from './office.entity';
import { OfficeRepository } from './office.repository';
import { OfficesClock } from './offices.clock';
import { OfficesError, OfficesErrorCode } from './offices.errors';

export interface RegisteredOffice {
  readonly officeNumber: string;
  readonly serviceTypes: string[];
  readonly status: OfficeStatus;
  readonly certificateSha256: string;
  readonly version: number;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

export interface Registration {
  /** true on the office's first registration (201) */
  readonly created: boolean;
  readonly office: RegisteredOffice;
}

export interface PublishedOffice {
  readonly officeNumber: string;
  readonly serviceTypes: string[];
  readonly status: OfficeStatus;
  readonly certificatePem: string;
  readonly certificateSha256: string;
  readonly version: number;
}

/** the calling office's own record with where its certificate stands (GET /v1/offices/me) */
export interface OwnOffice extends RegisteredOffice {
  readonly certificate: CertificateStatus;
  /** for people, in Japanese, while the certificate is expiring or expired; null otherwise */
  readonly message: string | null;
}

@Injectable()
export class OfficesService {
  private readonly logger = new Logger(OfficesService.name);

  constructor(
    @Inject(OfficeRepository) private readonly offices: OfficeRepository,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(OfficesClock) private readonly clock: OfficesClock,
    @Inject(CertificateExpiryService) private readonly expiry: CertificateExpiryService,
    @Inject(OfficeMasterService) private readonly master: OfficeMasterService,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
  ) {}

  async register(principal: AuthPrincipal, certificate: PresentedCertificate): Promise<Registration> {
    checkAuthenticated(principal, certificate);
    await this.checkInMaster(principal.officeNumber, certificate.serviceTypes);
    const result = await this.offices.transaction(async (manager) => {
      const now = this.clock.now();
      const fresh = Object.assign(new OfficeEntity(), {
        officeNumber: principal.officeNumber,
        serviceTypes: [...certificate.serviceTypes],
        status: OfficeStatus.ACTIVE,
        certificateDer: certificate.der,
        certificateSha256: certificate.sha256,
        certificateNotAfter: certificate.notAfter,
        version: 1,
        registeredAt: now,
        updatedAt: now,
      } satisfies OfficeEntity);
      if (await this.offices.insertIfAbsent(manager, fresh)) {
        await this.outbox.add(manager, [officeChangedEvent(fresh, this.clock.uuid())]);
        return { created: true, changed: true, office: fresh };
      }
      const office = await this.offices.lockByNumber(manager, principal.officeNumber);
      if (!office) throw new Error(`office ${principal.officeNumber} vanished inside its transaction`);
      if (isUnchanged(office, fresh)) return { created: false, changed: false, office };
      office.serviceTypes = fresh.serviceTypes;
      office.status = fresh.status;
      office.certificateDer = fresh.certificateDer;
      office.certificateSha256 = fresh.certificateSha256;
      // a new certificate starts its expiry schedule over: warnings are keyed by the certificate
      office.certificateNotAfter = fresh.certificateNotAfter;
      office.version += 1;
      office.updatedAt = now;
      await this.offices.update(manager, office);
      await this.outbox.add(manager, [officeChangedEvent(office, this.clock.uuid())]);
      return { created: false, changed: true, office };
    });
    if (result.changed) {
      this.logger.log(
        { officeNumber: result.office.officeNumber, version: result.office.version },
        'office certificate published',
      );
    }
    return { created: result.created, office: registeredOf(result.office) };
  }

  /** with REGISTRATION_REQUIRES_OFFICE_MASTER, every service type must be active in the 事業所台帳 */
  private async checkInMaster(officeNumber: string, serviceTypes: readonly string[]): Promise<void> {
    if (!this.config.registration.requiresOfficeMaster) return;
    const now = this.clock.now();
    for (const serviceType of serviceTypes) {
      if (!(await this.master.isActive(officeNumber, serviceType, now))) {
        throw new OfficesError(
          OfficesErrorCode.OFFICE_NOT_IN_MASTER,
          `office ${officeNumber} is not active with service type ${serviceType} in its prefecture's office master`,
        );
      }
    }
  }

  async getOwn(principal: AuthPrincipal): Promise<OwnOffice> {
    const office = await this.offices.getByNumber(principal.officeNumber);
    if (!office) {
      throw new OfficesError(
        OfficesErrorCode.OFFICE_NOT_FOUND,
        'this office has not published a certificate in the directory (PUT /v1/offices/me)',
      );
    }
    return { ...registeredOf(office), ...(await this.expiry.statusOf(office)) };
  }

  async get(officeNumber: string): Promise<PublishedOffice> {
    const office = await this.offices.getByNumber(officeNumber);
    if (!office) {
      throw new OfficesError(OfficesErrorCode.OFFICE_NOT_FOUND, 'no such office in the directory');
    }
    return {
      officeNumber: office.officeNumber,
      serviceTypes: office.serviceTypes,
      status: office.status,
      certificatePem: pemOf(office.certificateDer),
      certificateSha256: office.certificateSha256,
      version: office.version,
    };
  }
}

/** the certificate must be the one the token was issued for, naming the token's office */
function checkAuthenticated(principal: AuthPrincipal, certificate: PresentedCertificate): void {
  if (
    certificate.sha256 !== principal.certificateSha256 ||
    certificate.officeNumber !== principal.officeNumber
  ) {
    throw new OfficesError(
      OfficesErrorCode.OFFICE_CERTIFICATE_NOT_AUTHENTICATED,
      'this is not the certificate the token was issued for',
    );
  }
}

function isUnchanged(stored: OfficeEntity, presented: OfficeEntity): boolean {
  return (
    stored.certificateSha256 === presented.certificateSha256 &&
    stored.status === presented.status &&
    stored.serviceTypes.join(',') === presented.serviceTypes.join(',')
  );
}

function registeredOf(office: OfficeEntity): RegisteredOffice {
  return {
    officeNumber: office.officeNumber,
    serviceTypes: office.serviceTypes,
    status: office.status,
    certificateSha256: office.certificateSha256,
    version: office.version,
    registeredAt: office.registeredAt.toISOString(),
    updatedAt: office.updatedAt.toISOString(),
  };
}
