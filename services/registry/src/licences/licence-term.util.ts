// Licence terms in JST business terms (docs/licences.md): a term starts at 00:00 JST of the day the licence
// becomes active and ends, exclusive, at 00:00 JST of the same calendar date one year later (29 February rolls
// to 1 March). A renewal's term starts where the previous one ended.
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export interface LicenceTerm {
  readonly start: Date;
  readonly end: Date;
}

/** 00:00 JST of the JST calendar day `years` years after the one `instant` falls on */
function jstMidnight(instant: Date, years: number): Date {
  const jst = new Date(instant.getTime() + JST_OFFSET_MS);
  return new Date(
    Date.UTC(jst.getUTCFullYear() + years, jst.getUTCMonth(), jst.getUTCDate()) - JST_OFFSET_MS,
  );
}

/** the term of a licence activated at `activatedAt` */
export function termFrom(activatedAt: Date): LicenceTerm {
  return { start: jstMidnight(activatedAt, 0), end: jstMidnight(activatedAt, 1) };
}

/** the term that follows one ending at `previousEnd` */
export function termAfter(previousEnd: Date): LicenceTerm {
  return { start: previousEnd, end: jstMidnight(previousEnd, 1) };
}
