import { createProgressBar, progressBarOf, progressLine, ProgressStream } from './progress';

function fakeStream(isTTY: boolean): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY, columns: 80, writes, write: (text: string) => writes.push(text) };
}

describe(createProgressBar.name, () => {
  it('draws nothing when the stream is not a terminal', () => {
    const stream = fakeStream(false);
    const bar = createProgressBar(stream, { label: '受信中', total: 100 });
    for (let i = 0; i < 100; i++) bar.tick();
    bar.done();
    expect(stream.writes).toEqual([]);
  });

  it('draws nothing for short work (below minTotal) or no work', () => {
    const stream = fakeStream(true);
    createProgressBar(stream, { label: 'x', total: 4, minTotal: 5 }).tick();
    createProgressBar(stream, { label: 'x', total: 0 }).done();
    expect(stream.writes).toEqual([]);
  });

  it('redraws at most once per interval, always the first and the last state, then clears the line', () => {
    const stream = fakeStream(true);
    let clock = 1_000;
    const bar = createProgressBar(stream, { label: '送信中', total: 10, intervalMs: 100, now: () => clock });
    expect(stream.writes).toHaveLength(1); // 0/10 at once
    for (let i = 0; i < 8; i++) {
      clock += 10; // 8 ticks within 80 ms: no redraw
      bar.tick();
    }
    expect(stream.writes).toHaveLength(1);
    clock += 30; // 110 ms since the last draw
    bar.tick();
    expect(stream.writes).toHaveLength(2);
    expect(stream.writes[1]).toContain(' 9/10');
    bar.tick(); // the last one is drawn even inside the interval
    expect(stream.writes).toHaveLength(3);
    expect(stream.writes[2]).toContain('10/10 100%');
    bar.done();
    bar.tick(); // ignored after done
    expect(stream.writes).toEqual([expect.any(String), expect.any(String), expect.any(String), '\r\x1b[K']);
    expect(stream.writes.slice(0, 3).every((w) => w.startsWith('\r') && w.endsWith('\x1b[K'))).toBe(true);
  });

  it('never counts past the total and fits the terminal width', () => {
    const stream = { ...fakeStream(true), columns: 20 };
    const bar = createProgressBar(stream, { label: 'x', total: 2, intervalMs: 0 });
    bar.tick(5);
    expect(stream.writes.at(-1)).toBe(`\r${progressLine('x', 2, 2).slice(0, 19)}\x1b[K`);
  });
});

describe(progressLine.name, () => {
  it('shows the label, a bar, the count and the percentage', () => {
    expect(progressLine('受信中', 12, 30)).toBe(`受信中 [${'#'.repeat(10)}${'-'.repeat(14)}] 12/30  40%`);
  });
});

describe(progressBarOf.name, () => {
  it('is silent without a factory (--json, library callers)', () => {
    const bar = progressBarOf(undefined, { label: 'x', total: 10 });
    expect(() => {
      bar.tick();
      bar.done();
    }).not.toThrow();
  });
});
