// Benchmark results: one figure each, printed as an aligned table plus one JSON line for machines.

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  detail?: string;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : String(round(value, 2));
}

export function formatResults(results: readonly BenchResult[]): string {
  const rows = results.map((result) => [
    result.name,
    formatValue(result.value),
    result.unit,
    result.detail ?? '',
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length), 4));
  return rows
    .map(([name, value, unit, detail]) =>
      `${name.padEnd(widths[0])}  ${value.padStart(widths[1])}  ${unit.padEnd(widths[2])}  ${detail}`.trimEnd(),
    )
    .join('\n');
}

/** Prints the table, then `BENCH_JSON {...}` on one line (with any extra context, e.g. machine info). */
export function printResults(results: readonly BenchResult[], context: Record<string, unknown> = {}): void {
  console.log(formatResults(results));
  console.log(`BENCH_JSON ${JSON.stringify({ ...context, results })}`);
}
