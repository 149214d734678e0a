import { hasValidOfficeCheckDigit } from '@renkei/careplan';
import { demoOfficeNumber, reachedInOrder, sequenceOf, withDurations } from './demo.command';

describe('demo helpers', () => {
  it('makes office numbers with a valid check digit', () => {
    for (let i = 0; i < 20; i += 1) expect(hasValidOfficeCheckDigit(demoOfficeNumber())).toBe(true);
  });

  it('writes the ファイル連番 of an instant in UTC', () => {
    expect(sequenceOf(new Date('2026-11-24T05:30:07.123Z'))).toBe('20261124053007');
  });

  it('adds the milliseconds between timeline steps and checks their order', () => {
    const timeline = [
      { step: 'accepted' as const, at: '2026-11-24T05:30:00.000Z' },
      { step: 'available' as const, at: '2026-11-24T05:30:00.040Z' },
      { step: 'downloaded' as const, at: '2026-11-24T05:30:01.000Z', by: 'recipient' },
      { step: 'receipted' as const, at: '2026-11-24T05:30:01.200Z', by: 'recipient' },
    ];

    expect(withDurations(timeline).map((s) => s.sincePreviousMs)).toEqual([null, 40, 960, 200]);
    expect(reachedInOrder(timeline)).toBe(true);
    expect(reachedInOrder(timeline.slice(0, 3))).toBe(false);
    expect(reachedInOrder([timeline[0], timeline[1], timeline[3], timeline[2]])).toBe(false);
  });
});
