import type { LicenceChangeEntity } from './licence-change.entity';
import type { LicenceEntity, LicenceState } from './licence.entity';

/** A licence as the API shows it. */
export interface LicenceView {
  readonly licenceId: string;
  readonly officeNumber: string;
  readonly prefecture: string;
  readonly serviceTypes: string[];
  readonly state: LicenceState;
  /** 00:00 JST of the activation day (ISO, UTC); null until first activated */
  readonly termStart: string | null;
  /** exclusive end of the term (ISO, UTC); null until first activated */
  readonly termEnd: string | null;
  readonly autoRenew: boolean;
  readonly reason: string;
  readonly version: number;
  readonly appliedAt: string;
  readonly updatedAt: string;
}

/** One row of a licence's audit trail. */
export interface LicenceChangeView {
  readonly version: number;
  readonly from: LicenceState | null;
  readonly to: LicenceState;
  readonly action: string;
  readonly reason: string;
  readonly actor: { readonly id: string; readonly role: string };
  readonly termStart: string | null;
  readonly termEnd: string | null;
  readonly autoRenew: boolean;
  readonly changedAt: string;
}

/** An office of the directory for agents: a registered office with a live licence. */
export interface DirectoryEntry {
  readonly officeNumber: string;
  /** 事業所名 from the office master (事業所台帳); null when the office has no entry there */
  readonly name: string | null;
  readonly prefecture: string;
  readonly serviceTypes: string[];
  readonly licenceTermEnd: string | null;
}

/** One keyset page: give `nextAfter` as `after` for the next; null on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextAfter: string | null;
}

export function licenceViewOf(licence: LicenceEntity): LicenceView {
  return {
    licenceId: licence.licenceId,
    officeNumber: licence.officeNumber,
    prefecture: licence.prefecture,
    serviceTypes: licence.serviceTypes,
    state: licence.state,
    termStart: licence.termStart?.toISOString() ?? null,
    termEnd: licence.termEnd?.toISOString() ?? null,
    autoRenew: licence.autoRenew,
    reason: licence.reason,
    version: licence.version,
    appliedAt: licence.appliedAt.toISOString(),
    updatedAt: licence.updatedAt.toISOString(),
  };
}

export function changeViewOf(change: LicenceChangeEntity): LicenceChangeView {
  return {
    version: change.version,
    from: change.fromState,
    to: change.toState,
    action: change.action,
    reason: change.reason,
    actor: { id: change.actorId, role: change.actorRole },
    termStart: change.termStart?.toISOString() ?? null,
    termEnd: change.termEnd?.toISOString() ?? null,
    autoRenew: change.autoRenew,
    changedAt: change.changedAt.toISOString(),
  };
}

export function directoryEntryOf(licence: LicenceEntity, name: string | null): DirectoryEntry {
  return {
    officeNumber: licence.officeNumber,
    name,
    prefecture: licence.prefecture,
    serviceTypes: licence.serviceTypes,
    licenceTermEnd: licence.termEnd?.toISOString() ?? null,
  };
}

/** the page of `rows` fetched with limit + 1: the extra row only says there is a next page */
export function pageOf<T extends { officeNumber: string }, V>(
  rows: T[],
  limit: number,
  view: (row: T) => V,
): Page<V> {
  const items = rows.slice(0, limit);
  return {
    items: items.map(view),
    nextAfter: rows.length > limit ? items[items.length - 1].officeNumber : null,
  };
}

/** The days ahead within which `termsEndingSoon` counts an active licence's term end. */
export const TERM_ENDING_SOON_DAYS = 30;

/** One prefecture's row of the operators' summary (GET /v1/licences/summary). */
export interface PrefectureSummary {
  /** '01'..'47' */
  readonly prefecture: string;
  readonly licences: Readonly<Record<LicenceState, number>>;
  /** active licences that renew themselves at term end */
  readonly autoRenewingActive: number;
  /** active licences whose term ends within TERM_ENDING_SOON_DAYS of `asOf` */
  readonly termsEndingSoon: number;
  readonly officeMaster: {
    /** entries of the 事業所台帳 whose status is active */
    readonly active: number;
    /** entries suspended or closed */
    readonly inactive: number;
    /** when the prefecture's last upload was recorded (ISO, UTC); null before the first */
    readonly lastUploadAt: string | null;
  };
}

/** The summary: every prefecture for an operator (all 47, empty ones included), its own for a 国保連. */
export interface LicenceSummary {
  /** the time the counts were taken at (ISO, UTC) */
  readonly asOf: string;
  readonly termEndingSoonDays: number;
  readonly prefectures: PrefectureSummary[];
}
