// What a LicenceChanged event means to the services that gate the exchange on it (intake and delivery keep read
// models of registry.licence.changed.v1): the validated snapshot of one office's licence, and the one rule that
// says whether it is live. Pure; no clock of its own.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { LicenceState, type LicenceChanged } from './gen/renkei/registry/v1/licence_changed_pb';

/** a licence state as read models store it (the lower-case names registry uses, docs/licences.md) */
export type LicenceStateName = 'pending' | 'active' | 'suspended' | 'expired' | 'cancelled';

const STATE_NAME: Readonly<Partial<Record<LicenceState, LicenceStateName>>> = {
  [LicenceState.PENDING]: 'pending',
  [LicenceState.ACTIVE]: 'active',
  [LicenceState.SUSPENDED]: 'suspended',
  [LicenceState.EXPIRED]: 'expired',
  [LicenceState.CANCELLED]: 'cancelled',
};

/**
 * How long past term_end an auto-renewing active licence stays live: registry's term job renews it within the
 * hour after term end (LICENCE_RENEWAL_INTERVAL_SECONDS), and the renewal then reaches the read models; a day
 * covers a job that missed a few runs without ever letting a licence nobody renews live on.
 */
export const LICENCE_RENEWAL_GRACE_MS = 24 * 60 * 60 * 1000;

/** the part of a licence liveness depends on */
export interface LicenceTerms {
  readonly state: LicenceStateName;
  /** end of the current term, exclusive; null while never active */
  readonly termEnd: Date | null;
  readonly autoRenew: boolean;
}

/** one office's licence as a LicenceChanged event states it, validated */
export interface LicenceSnapshot extends LicenceTerms {
  readonly officeNumber: string;
  readonly licenceId: string;
  /** uint64 on the wire; a decimal string, as PostgreSQL returns bigint */
  readonly version: string;
  readonly changedAt: Date;
}

const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Live: active, and now before term_end, or, when it renews automatically, before term_end + one day (the
 * renewal may not have arrived yet). Pending, suspended, expired and cancelled licences are never live, and
 * neither is an active one without a term.
 */
export function isLicenceLive(licence: LicenceTerms | null | undefined, now: Date): boolean {
  if (!licence || licence.state !== 'active' || !licence.termEnd) return false;
  const end = licence.termEnd.getTime() + (licence.autoRenew ? LICENCE_RENEWAL_GRACE_MS : 0);
  return now.getTime() < end;
}

/** The snapshot a LicenceChanged event describes; throws on an event that breaks the contract (→ DLQ). */
export function licenceSnapshotOf(event: LicenceChanged): LicenceSnapshot {
  const state = STATE_NAME[event.state];
  if (!OFFICE_NUMBER.test(event.officeNumber)) throw new Error('office_number is not 10 × [0-9A-Z]');
  if (!UUID.test(event.licenceId)) throw new Error('licence_id is not a uuid');
  if (!state) throw new Error(`state ${event.state} is not a licence state`);
  if (state === 'active' && !event.termEnd) throw new Error('an active licence without term_end');
  if (!event.changedAt) throw new Error('changed_at is missing');
  return {
    officeNumber: event.officeNumber,
    licenceId: event.licenceId.toLowerCase(),
    state,
    termEnd: event.termEnd ? timestampDate(event.termEnd) : null,
    autoRenew: event.autoRenew,
    version: event.version.toString(),
    changedAt: timestampDate(event.changedAt),
  };
}
