// Reading licences (docs/licences.md): operators see every licence, a 国保連 only its prefecture's (another
// prefecture's office is "not found", never "forbidden", so nothing leaks about it); the directory for agents
// lists the offices with a live licence to any authenticated principal; the summary counts per prefecture.
import { Inject, Injectable } from '@nestjs/common';
import type { AuthPrincipal } from '@renkei/platform';
import type { LicenceQuery } from './dto/licence-requests.dto';
import { LicenceState, type LicenceEntity } from './licence.entity';
import { LicenceRepository, type PrefectureCounts } from './licence.repository';
import {
  changeViewOf,
  directoryEntryOf,
  licenceViewOf,
  pageOf,
  type DirectoryEntry,
  TERM_ENDING_SOON_DAYS,
  type LicenceChangeView,
  type LicenceSummary,
  type LicenceView,
  type Page,
  type PrefectureSummary,
} from './licence.view';
import { LicencesClock } from './licences.clock';
import { LicencesError, LicencesErrorCode } from './licences.errors';

const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class LicenceQueriesService {
  constructor(
    @Inject(LicenceRepository) private readonly licences: LicenceRepository,
    @Inject(LicencesClock) private readonly clock: LicencesClock,
  ) {}

  /** operators: any prefecture; a 国保連: its own prefecture only, whatever it asks for */
  async list(principal: AuthPrincipal, query: LicenceQuery): Promise<Page<LicenceView>> {
    const scope = prefectureScope(principal);
    if (scope !== undefined && query.prefecture !== undefined && query.prefecture !== scope) {
      return { items: [], nextAfter: null };
    }
    const rows = await this.licences.page({
      state: query.state,
      prefecture: scope ?? query.prefecture,
      officeNumber: query.officeNumber,
      serviceType: query.serviceType,
      after: query.after,
      limit: query.limit + 1,
    });
    return pageOf(rows, query.limit, licenceViewOf);
  }

  /** per prefecture: every one for an operator, only its own for a 国保連 (one set-based query) */
  async summary(principal: AuthPrincipal): Promise<LicenceSummary> {
    const now = this.clock.now();
    const soonEnd = new Date(now.getTime() + TERM_ENDING_SOON_DAYS * DAY_MS);
    const rows = await this.licences.countsByPrefecture(now, soonEnd, prefectureScope(principal));
    return {
      asOf: now.toISOString(),
      termEndingSoonDays: TERM_ENDING_SOON_DAYS,
      prefectures: rows.map(prefectureSummaryOf),
    };
  }

  async get(principal: AuthPrincipal, officeNumber: string): Promise<LicenceView> {
    return licenceViewOf(await this.visible(principal, officeNumber));
  }

  async changes(principal: AuthPrincipal, officeNumber: string): Promise<LicenceChangeView[]> {
    await this.visible(principal, officeNumber);
    return (await this.licences.changesOf(officeNumber)).map(changeViewOf);
  }

  /** the office's own audit trail */
  async ownChanges(officeNumber: string): Promise<LicenceChangeView[]> {
    if (!(await this.licences.getByNumber(officeNumber))) {
      throw new LicencesError(LicencesErrorCode.LICENCE_NOT_FOUND, 'no licence for this office');
    }
    return (await this.licences.changesOf(officeNumber)).map(changeViewOf);
  }

  /** the offices with a live licence, by office number, named from the office master */
  async directory(query: LicenceQuery): Promise<Page<DirectoryEntry>> {
    const rows = await this.licences.directoryPage({
      prefecture: query.prefecture,
      officeNumber: query.officeNumber,
      serviceType: query.serviceType,
      name: query.name,
      after: query.after,
      limit: query.limit + 1,
    });
    return pageOf(
      rows.map((row) => ({ ...row, officeNumber: row.licence.officeNumber })),
      query.limit,
      (row) => directoryEntryOf(row.licence, row.name),
    );
  }

  private async visible(principal: AuthPrincipal, officeNumber: string): Promise<LicenceEntity> {
    const licence = await this.licences.getByNumber(officeNumber);
    const scope = prefectureScope(principal);
    if (!licence || (scope !== undefined && licence.prefecture !== scope)) {
      throw new LicencesError(LicencesErrorCode.LICENCE_NOT_FOUND, 'no licence for this office');
    }
    return licence;
  }
}

function prefectureSummaryOf(row: PrefectureCounts): PrefectureSummary {
  return {
    prefecture: row.prefecture,
    licences: {
      [LicenceState.PENDING]: row.pending,
      [LicenceState.ACTIVE]: row.active,
      [LicenceState.SUSPENDED]: row.suspended,
      [LicenceState.EXPIRED]: row.expired,
      [LicenceState.CANCELLED]: row.cancelled,
    },
    autoRenewingActive: row.autoRenewingActive,
    termsEndingSoon: row.termsEndingSoon,
    officeMaster: {
      active: row.masterActive,
      inactive: row.masterInactive,
      lastUploadAt: row.lastUploadAt?.toISOString() ?? null,
    },
  };
}

/** undefined for an operator (every prefecture); the 国保連's prefecture otherwise */
function prefectureScope(principal: AuthPrincipal): string | undefined {
  if (principal.roles.includes('operator')) return undefined;
  // a 国保連 token without a prefecture sees nothing rather than everything
  return principal.prefecture ?? '--';
}
