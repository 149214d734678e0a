// Office certificate expiry (docs/trust.md): a pass raises, once per certificate and warning point, the warning
// each office's certificate has reached, and refreshes the expiry gauge; the office's own status reads the
// schedule and the last warning raised.
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DAY_MS,
  expiryMessageOf,
  expiryStateOf,
  FIRST_WARNING_DAYS,
  type WarningPoint,
} from './certificate-expiry.schedule';
import { CertificateExpiryMetrics } from './certificate-expiry.metrics';
import { OfficeCertificateWarningEntity } from './office-certificate-warning.entity';
import { OfficeCertificateWarningRepository } from './office-certificate-warning.repository';
import type { OfficeEntity } from './office.entity';
import { ExpiryCounts, OfficeRepository } from './office.repository';
import { OfficesClock } from './offices.clock';

export interface RaisedWarning {
  readonly officeNumber: string;
  readonly point: WarningPoint;
  readonly daysLeft: number;
  readonly notAfter: Date;
}

export interface ExpiryPass {
  /** false when another replica's pass held the lock: this one raised nothing */
  readonly locked: boolean;
  readonly raised: readonly RaisedWarning[];
  readonly counts: ExpiryCounts;
}

/** the certificate part of an office's own status (GET /v1/offices/me) */
export interface CertificateStatus {
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly expiry: 'ok' | 'expiring' | 'expired';
  /** the last warning raised for this certificate; null before the first */
  readonly warning: { readonly raisedAt: string; readonly point: WarningPoint } | null;
  /** the next warning point (notAfter itself after the 4-day one); null once expired */
  readonly nextWarningAt: string | null;
}

@Injectable()
export class CertificateExpiryService {
  private readonly logger = new Logger(CertificateExpiryService.name);

  constructor(
    @Inject(OfficeRepository) private readonly offices: OfficeRepository,
    @Inject(OfficeCertificateWarningRepository) private readonly warnings: OfficeCertificateWarningRepository,
    @Inject(CertificateExpiryMetrics) private readonly metrics: CertificateExpiryMetrics,
    @Inject(OfficesClock) private readonly clock: OfficesClock,
  ) {}

  /** one pass of the job; safe to run on every replica at once (advisory lock, one row per point) */
  async runOnce(): Promise<ExpiryPass> {
    const now = this.clock.now();
    const { locked, raised } = await this.warnings.transaction(async (manager) => {
      if (!(await this.warnings.tryLockExpiryJob(manager))) return { locked: false, raised: [] };
      const due = await this.offices.findInExpirySchedule(
        manager,
        new Date(now.getTime() + FIRST_WARNING_DAYS * DAY_MS),
      );
      const inserted: RaisedWarning[] = [];
      for (const office of due) {
        const state = expiryStateOf(office.certificateNotAfter, now);
        if (state.expiry === 'ok') continue;
        // only the point reached now: one missed while no pass ran is stale, the current one says more
        const warning = Object.assign(new OfficeCertificateWarningEntity(), {
          officeNumber: office.officeNumber,
          certificateSha256: office.certificateSha256,
          point: state.point,
          notAfter: office.certificateNotAfter,
          raisedAt: now,
        } satisfies OfficeCertificateWarningEntity);
        if (await this.warnings.insertIfAbsent(manager, warning)) {
          inserted.push({
            officeNumber: office.officeNumber,
            point: state.point,
            daysLeft: state.daysLeft,
            notAfter: office.certificateNotAfter,
          });
        }
      }
      return { locked: true, raised: inserted };
    });
    // after the commit: a rolled-back pass raised nothing
    for (const warning of raised) {
      this.metrics.countWarning(warning.point);
      this.logger.warn(
        {
          officeNumber: warning.officeNumber,
          point: warning.point === 0 ? 'expired' : warning.point,
          daysLeft: warning.daysLeft,
          notAfter: warning.notAfter.toISOString(),
        },
        'office certificate expiry warning raised',
      );
    }
    // every replica refreshes the gauge (aggregate with max, not sum)
    const counts = await this.offices.countByExpiry(now);
    this.metrics.setCounts(counts);
    return { locked, raised, counts };
  }

  /** where the office's published certificate stands in its schedule, and the Japanese line for people */
  async statusOf(office: OfficeEntity): Promise<{ certificate: CertificateStatus; message: string | null }> {
    const state = expiryStateOf(office.certificateNotAfter, this.clock.now());
    const latest = await this.warnings.latestFor(office.officeNumber, office.certificateSha256);
    return {
      certificate: {
        notAfter: office.certificateNotAfter.toISOString(),
        daysLeft: state.daysLeft,
        expiry: state.expiry,
        warning: latest ? { raisedAt: latest.raisedAt.toISOString(), point: latest.point } : null,
        nextWarningAt: state.nextWarningAt?.toISOString() ?? null,
      },
      message: expiryMessageOf(state),
    };
  }
}
