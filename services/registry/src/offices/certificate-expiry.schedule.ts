// The expiry schedule of an office certificate (docs/trust.md, Office certificate expiry): warnings 60 days
// before notAfter, then every 14 days (46, 32, 18, 4), and "expired" at notAfter. Pure: (notAfter, now) in,
// state out, so the job, the office's status and the tests all read the same rule.

export const DAY_MS = 24 * 60 * 60 * 1000;

/** days before notAfter at which a warning is raised; 0 is notAfter itself (expired) */
export const WARNING_POINTS = [60, 46, 32, 18, 4, 0] as const;

export type WarningPoint = (typeof WARNING_POINTS)[number];

/** the first warning, in days before notAfter */
export const FIRST_WARNING_DAYS = WARNING_POINTS[0];

export type ExpiryState =
  | {
      readonly expiry: 'ok';
      readonly daysLeft: number;
      /** when the first warning is due (notAfter − 60 days) */
      readonly nextWarningAt: Date;
    }
  | {
      readonly expiry: 'expiring';
      readonly daysLeft: number;
      /** the latest warning point reached (60, 46, 32, 18 or 4 days before notAfter) */
      readonly point: Exclude<WarningPoint, 0>;
      readonly pointAt: Date;
      /** the next point: the next warning, or notAfter (expired) after the 4-day one */
      readonly nextPoint: WarningPoint;
      readonly nextWarningAt: Date;
    }
  | {
      readonly expiry: 'expired';
      /** 0 */
      readonly daysLeft: number;
      readonly point: 0;
      readonly pointAt: Date;
      readonly nextWarningAt: null;
    };

/** the instant of a warning point for a certificate valid until `notAfter` */
export function warningAt(notAfter: Date, point: WarningPoint): Date {
  return new Date(notAfter.getTime() - point * DAY_MS);
}

/**
 * The certificate's place in its schedule at `now`. daysLeft counts started days (60 at exactly notAfter − 60
 * days, 1 in the last day), so a certificate is `expiring` exactly when 0 < daysLeft ≤ 60.
 */
export function expiryStateOf(notAfter: Date, now: Date): ExpiryState {
  const remainingMs = notAfter.getTime() - now.getTime();
  if (remainingMs <= 0) {
    return { expiry: 'expired', daysLeft: 0, point: 0, pointAt: notAfter, nextWarningAt: null };
  }
  const daysLeft = Math.ceil(remainingMs / DAY_MS);
  const current = lastReached(remainingMs);
  if (current === -1) {
    return { expiry: 'ok', daysLeft, nextWarningAt: warningAt(notAfter, FIRST_WARNING_DAYS) };
  }
  const point = WARNING_POINTS[current] as Exclude<WarningPoint, 0>;
  const nextPoint = WARNING_POINTS[current + 1];
  return {
    expiry: 'expiring',
    daysLeft,
    point,
    pointAt: warningAt(notAfter, point),
    nextPoint,
    nextWarningAt: warningAt(notAfter, nextPoint),
  };
}

/**
 * index in WARNING_POINTS of the latest warning reached with `remainingMs` (> 0) left, -1 before the first;
 * a point is reached at its instant. The points run from the earliest (60) to notAfter (0).
 */
function lastReached(remainingMs: number): number {
  let index = -1;
  WARNING_POINTS.forEach((point, i) => {
    if (point !== 0 && remainingMs <= point * DAY_MS) index = i;
  });
  return index;
}

/** the Japanese line for people (the office's status and the agent), or null while the certificate is ok */
export function expiryMessageOf(state: ExpiryState): string | null {
  switch (state.expiry) {
    case 'ok':
      return null;
    case 'expiring':
      return `電子証明書の有効期限まであと${state.daysLeft}日です。更新してください。`;
    case 'expired':
      return '電子証明書の有効期限が切れています。新しい証明書を取得して登録してください。';
    default: {
      const unknown: never = state;
      throw new Error(`unknown expiry state ${JSON.stringify(unknown)}`);
    }
  }
}
