import { inMonth, jstDateTime, monthOf, parseMonth } from './evidence-month';

describe(parseMonth.name, () => {
  it('spans 00:00 JST of the first day to 00:00 JST of the next month', () => {
    const month = parseMonth('202612');
    expect(month.start.toISOString()).toBe('2026-11-30T15:00:00.000Z');
    expect(month.end.toISOString()).toBe('2026-12-31T15:00:00.000Z');
  });

  it('rolls December over into the next year and keeps February short', () => {
    expect(parseMonth('202702').end.toISOString()).toBe('2027-02-28T15:00:00.000Z');
    expect(parseMonth('202712').end.toISOString()).toBe('2027-12-31T15:00:00.000Z');
  });

  it.each(['2026-12', '20261', '202613', '202600', 'abcdef', '1999012'])('refuses %s (exit 2)', (value) => {
    expect(() => parseMonth(value)).toThrow(expect.objectContaining({ code: 'USAGE', exitCode: 2 }));
  });
});

describe(inMonth.name, () => {
  const december = parseMonth('202612');

  it('takes the JST calendar month of the acceptance time, start inclusive, end exclusive', () => {
    expect(inMonth('2026-11-30T14:59:59.999Z', december)).toBe(false); // 2026-11-30 23:59:59.999 JST
    expect(inMonth('2026-11-30T15:00:00.000Z', december)).toBe(true); // 2026-12-01 00:00 JST
    expect(inMonth('2026-12-31T14:59:59.999Z', december)).toBe(true); // 2026-12-31 23:59:59.999 JST
    expect(inMonth('2026-12-31T15:00:00.000Z', december)).toBe(false); // 2027-01-01 00:00 JST
  });

  it('counts nothing without a time', () => {
    expect(inMonth(null, december)).toBe(false);
    expect(inMonth('not a time', december)).toBe(false);
  });
});

describe(jstDateTime.name, () => {
  it('writes JST wall time, empty for none', () => {
    expect(jstDateTime('2026-11-30T15:04:05.678Z')).toBe('2026-12-01 00:04:05');
    expect(jstDateTime(null)).toBe('');
  });

  it('agrees with monthOf', () => {
    expect(monthOf(new Date('2026-11-30T15:00:00.000Z'))).toBe('202612');
    expect(monthOf(new Date('2026-11-30T14:59:59.999Z'))).toBe('202611');
  });
});
