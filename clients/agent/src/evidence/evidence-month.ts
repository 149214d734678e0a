// The month rule of `renkei sent --month` and `renkei evidence --month`: an envelope belongs to the month (JST) in
// which the platform accepted it (its `acceptedAt`), for both directions: YYYYMM-01 00:00 JST ≤ acceptedAt <
// the next month's 01 00:00 JST.
import { usageError } from '../agent.errors';

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export interface EvidenceMonth {
  /** YYYYMM */
  month: string;
  /** 00:00 JST of the month's first day, as a UTC instant */
  start: Date;
  /** 00:00 JST of the next month's first day (exclusive) */
  end: Date;
}

export function parseMonth(value: string): EvidenceMonth {
  const match = /^(\d{4})(\d{2})$/.exec(value);
  const year = match ? Number(match[1]) : NaN;
  const monthIndex = match ? Number(match[2]) - 1 : NaN;
  if (!match || year < 2000 || monthIndex < 0 || monthIndex > 11) {
    throw usageError(`--month は YYYYMM の形式で指定してください (e.g. 202612): ${value}`);
  }
  return {
    month: value,
    start: new Date(Date.UTC(year, monthIndex, 1) - JST_OFFSET_MS),
    end: new Date(Date.UTC(year, monthIndex + 1, 1) - JST_OFFSET_MS),
  };
}

/** whether an ISO instant falls in the month (JST) */
export function inMonth(iso: string | null | undefined, month: EvidenceMonth): boolean {
  if (!iso) return false;
  const at = Date.parse(iso);
  return !Number.isNaN(at) && at >= month.start.getTime() && at < month.end.getTime();
}

/** 「2026-12-03 13:45:12」: an ISO instant as JST wall time for people; empty for none */
export function jstDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  return new Date(at + JST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** the month (JST) an instant falls in, YYYYMM */
export function monthOf(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 7).replace('-', '');
}
