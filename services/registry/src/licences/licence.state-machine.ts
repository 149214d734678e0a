// The licence state machine (docs/licences.md): which action may move a licence from which state to which.
// Anything not listed is refused with LICENCE_TRANSITION_INVALID; the service never sets a state by hand.
import { LicenceState } from './licence.entity';
import { LicencesError, LicencesErrorCode } from './licences.errors';

export enum LicenceAction {
  /** a signed 利用申請: opens the licence, or reopens an expired or cancelled one */
  APPLY = 'apply',
  /** the application is approved (immediately, for an office active in the directory) */
  APPROVE = 'approve',
  /** an operator suspends a live licence (reason required) */
  SUSPEND = 'suspend',
  /** an operator lifts a suspension (reason required) */
  REINSTATE = 'reinstate',
  /** a new term: at term end when auto-renewing, or the office renewing an expired licence */
  RENEW = 'renew',
  /** the term ended without auto-renewal */
  EXPIRE = 'expire',
  /** the office or an operator ends the licence (reason required) */
  CANCEL = 'cancel',
  /** the office turns auto-renewal on or off; the state stays */
  SET_AUTO_RENEW = 'set-auto-renew',
}

const { PENDING, ACTIVE, SUSPENDED, EXPIRED, CANCELLED } = LicenceState;

/** from-state (null: no licence yet) → to-state, per action */
const TRANSITIONS: Record<LicenceAction, ReadonlyArray<readonly [LicenceState | null, LicenceState]>> = {
  [LicenceAction.APPLY]: [
    [null, PENDING],
    [EXPIRED, PENDING],
    [CANCELLED, PENDING],
  ],
  [LicenceAction.APPROVE]: [[PENDING, ACTIVE]],
  [LicenceAction.SUSPEND]: [[ACTIVE, SUSPENDED]],
  [LicenceAction.REINSTATE]: [[SUSPENDED, ACTIVE]],
  [LicenceAction.RENEW]: [
    [ACTIVE, ACTIVE],
    [EXPIRED, ACTIVE],
  ],
  [LicenceAction.EXPIRE]: [[ACTIVE, EXPIRED]],
  [LicenceAction.CANCEL]: [
    [PENDING, CANCELLED],
    [ACTIVE, CANCELLED],
    [SUSPENDED, CANCELLED],
    [EXPIRED, CANCELLED],
  ],
  [LicenceAction.SET_AUTO_RENEW]: [[ACTIVE, ACTIVE]],
};

/** The state `action` moves a licence in state `from` to; LICENCE_TRANSITION_INVALID when it may not. */
export function nextState(from: LicenceState | null, action: LicenceAction): LicenceState {
  const to = TRANSITIONS[action].find(([source]) => source === from)?.[1];
  if (to === undefined) {
    throw new LicencesError(
      LicencesErrorCode.LICENCE_TRANSITION_INVALID,
      `a ${from ?? 'missing'} licence cannot be moved by ${action}`,
      { from, action },
    );
  }
  return to;
}
