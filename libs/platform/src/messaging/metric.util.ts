// Get-or-create on a prom-client registry, so several buses, relays, stores or services can share one registry
// without "metric already registered" errors. (MetricsRegistry does the same on the registry it owns; the
// adapters take a raw prom-client Registry, so they use these.)
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function counterOn<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
): Counter<L> {
  return getOrCreate(
    registry,
    name,
    Counter,
    () => new Counter<L>({ name, help, labelNames, registers: [registry] }),
  );
}

export function gaugeOn<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
): Gauge<L> {
  return getOrCreate(
    registry,
    name,
    Gauge,
    () => new Gauge<L>({ name, help, labelNames, registers: [registry] }),
  );
}

export function histogramOn<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): Histogram<L> {
  return getOrCreate(
    registry,
    name,
    Histogram,
    () => new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] }),
  );
}

function getOrCreate<M>(
  registry: Registry,
  name: string,
  kind: abstract new (...args: never[]) => object,
  create: () => M,
): M {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (!(existing instanceof kind)) throw new Error(`Metric ${name} is already registered with another type.`);
  return existing as M;
}
