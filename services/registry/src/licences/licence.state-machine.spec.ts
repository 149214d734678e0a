import { LicenceState } from './licence.entity';
import { LicenceAction, nextState } from './licence.state-machine';
import { termAfter, termFrom } from './licence-term.util';
import { LicencesErrorCode } from './licences.errors';

const { PENDING, ACTIVE, SUSPENDED, EXPIRED, CANCELLED } = LicenceState;
const ALL: (LicenceState | null)[] = [null, PENDING, ACTIVE, SUSPENDED, EXPIRED, CANCELLED];

const allowed: [LicenceState | null, LicenceAction, LicenceState][] = [
  [null, LicenceAction.APPLY, PENDING],
  [EXPIRED, LicenceAction.APPLY, PENDING],
  [CANCELLED, LicenceAction.APPLY, PENDING],
  [PENDING, LicenceAction.APPROVE, ACTIVE],
  [ACTIVE, LicenceAction.SUSPEND, SUSPENDED],
  [SUSPENDED, LicenceAction.REINSTATE, ACTIVE],
  [ACTIVE, LicenceAction.RENEW, ACTIVE],
  [EXPIRED, LicenceAction.RENEW, ACTIVE],
  [ACTIVE, LicenceAction.EXPIRE, EXPIRED],
  [PENDING, LicenceAction.CANCEL, CANCELLED],
  [ACTIVE, LicenceAction.CANCEL, CANCELLED],
  [SUSPENDED, LicenceAction.CANCEL, CANCELLED],
  [EXPIRED, LicenceAction.CANCEL, CANCELLED],
  [ACTIVE, LicenceAction.SET_AUTO_RENEW, ACTIVE],
];

describe(nextState.name, () => {
  it.each(allowed)('moves a %s licence by %s to %s', (from, action, to) => {
    expect(nextState(from, action)).toBe(to);
  });

  const refused = Object.values(LicenceAction).flatMap((action) =>
    ALL.filter((from) => !allowed.some(([f, a]) => f === from && a === action)).map(
      (from) => [from, action] as const,
    ),
  );

  it.each(refused)('refuses to move a %s licence by %s', (from, action) => {
    expect(() => nextState(from, action)).toThrow(
      expect.objectContaining({ code: LicencesErrorCode.LICENCE_TRANSITION_INVALID }),
    );
  });

  it('never leaves a cancelled licence except through a new application', () => {
    const out = Object.values(LicenceAction).filter((action) => {
      try {
        nextState(CANCELLED, action);
        return true;
      } catch {
        return false;
      }
    });

    expect(out).toEqual([LicenceAction.APPLY]);
  });
});

describe(termFrom.name, () => {
  it('starts at 00:00 JST of the activation day and ends at 00:00 JST a year later', () => {
    // 2026-04-01 08:30 JST
    const term = termFrom(new Date('2026-03-31T23:30:00.000Z'));

    expect(term).toEqual({
      start: new Date('2026-03-31T15:00:00.000Z'),
      end: new Date('2027-03-31T15:00:00.000Z'),
    });
  });

  it('uses the JST day, not the UTC one, just before JST midnight', () => {
    // 2026-04-01 23:59 JST = 14:59 UTC
    expect(termFrom(new Date('2026-04-01T14:59:00.000Z')).start).toEqual(
      new Date('2026-03-31T15:00:00.000Z'),
    );
  });

  it('rolls a 29 February start to 1 March', () => {
    const term = termFrom(new Date('2028-02-29T03:00:00.000Z'));

    expect(term.end).toEqual(new Date('2029-02-28T15:00:00.000Z'));
  });
});

describe(termAfter.name, () => {
  it('starts where the previous term ended and lasts a JST year', () => {
    const end = new Date('2027-03-31T15:00:00.000Z');

    expect(termAfter(end)).toEqual({ start: end, end: new Date('2028-03-31T15:00:00.000Z') });
  });
});
