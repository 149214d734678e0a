// A progress bar for people on long work (fetch --all, send of many units, evidence): drawn on a terminal only,
// redrawn at most every `intervalMs`, silent when the stream is not a TTY (pipes, logs, CI) and with --json.
// No dependency: one line, rewritten with `\r`, cleared when done.

/** where a bar is drawn: process.stderr, or a fake in tests */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** `n` more items done (default 1); redraws when the throttle allows */
  tick(n?: number): void;
  /** the line cleared; ticks after it are ignored */
  done(): void;
}

export interface ProgressBarOptions {
  /** a short label for people, e.g. 受信中 */
  label: string;
  total: number;
  /** minimum time between two redraws; the first and the last are always drawn */
  intervalMs?: number;
  /** fewer items than this: no bar at all (short work needs none) */
  minTotal?: number;
  now?: () => number;
}

/** makes the bars of one command; `undefined` where no bar may be drawn (--json, library callers) */
export type ProgressBarFactory = (options: ProgressBarOptions) => ProgressBar;

export const DEFAULT_REDRAW_INTERVAL_MS = 100;
/** send and fetch draw a bar from this many units (fewer finish before a bar helps) */
export const PROGRESS_BAR_MIN_UNITS = 5;
const BAR_WIDTH = 24;

const SILENT: ProgressBar = { tick: () => undefined, done: () => undefined };

/** A bar on `stream` when it is a TTY and the work is long enough; a silent one otherwise. */
export function createProgressBar(stream: ProgressStream, options: ProgressBarOptions): ProgressBar {
  const total = Math.max(0, Math.floor(options.total));
  if (stream.isTTY !== true || total === 0 || total < (options.minTotal ?? 1)) return SILENT;
  const interval = options.intervalMs ?? DEFAULT_REDRAW_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let current = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let finished = false;
  const draw = (): void => {
    lastDraw = now();
    const line = progressLine(options.label, current, total);
    const width = stream.columns && stream.columns > 10 ? stream.columns - 1 : undefined;
    stream.write(`\r${width ? line.slice(0, width) : line}\x1b[K`);
  };
  draw();
  return {
    tick(n = 1) {
      if (finished) return;
      current = Math.min(total, current + n);
      if (current === total || now() - lastDraw >= interval) draw();
    },
    done() {
      if (finished) return;
      finished = true;
      stream.write('\r\x1b[K');
    },
  };
}

/** 「受信中 [##########--------------]  12/30  40%」 */
export function progressLine(label: string, current: number, total: number): string {
  const ratio = total === 0 ? 1 : Math.min(1, current / total);
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
  const count = `${current}/${total}`.padStart(String(total).length * 2 + 1);
  return `${label} [${bar}] ${count} ${String(Math.round(ratio * 100)).padStart(3)}%`;
}

/** the bar of a command: the context's factory, or a silent bar */
export function progressBarOf(
  factory: ProgressBarFactory | undefined,
  options: ProgressBarOptions,
): ProgressBar {
  return factory ? factory(options) : SILENT;
}
