// Prometheus metrics for the object store adapters (get-or-create, so several instances share one registry).
import { Counter, Histogram, register, type Registry } from 'prom-client';
import { ObjectStoreError, ObjectStoreErrorCode } from './object-store';

export type ObjectStoreOp = 'put' | 'get' | 'stat' | 'delete' | 'list' | 'check';
export type ObjectStoreOutcome =
  'ok' | 'not_found' | 'digest_mismatch' | 'too_large' | 'invalid_key' | 'unavailable' | 'error';

export class ObjectStoreMetrics {
  private readonly operations: Counter<'op' | 'outcome'>;
  private readonly bytes: Counter<'direction'>;
  private readonly duration: Histogram<'op'>;

  constructor(registry: Registry = register) {
    this.operations = getOrCreate(registry, Counter, {
      name: 'renkei_object_store_operations_total',
      help: 'Object store operations by operation and outcome.',
      labelNames: ['op', 'outcome'] as const,
    });
    this.bytes = getOrCreate(registry, Counter, {
      name: 'renkei_object_store_bytes_total',
      help: 'Object body bytes written to (put) and read from (get) the object store.',
      labelNames: ['direction'] as const,
    });
    this.duration = getOrCreate(registry, Histogram, {
      name: 'renkei_object_store_operation_duration_seconds',
      help: 'Object store operation duration; for get, until the body starts streaming.',
      labelNames: ['op'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
  }

  async track<T>(op: ObjectStoreOp, run: () => Promise<T>): Promise<T> {
    const stop = this.duration.startTimer({ op });
    try {
      const result = await run();
      this.operations.inc({ op, outcome: 'ok' });
      return result;
    } catch (error) {
      this.operations.inc({ op, outcome: outcomeOf(error) });
      throw error;
    } finally {
      stop();
    }
  }

  /** for async iterables: wraps the whole iteration */
  async *trackIteration<T>(op: ObjectStoreOp, iterate: () => AsyncIterable<T>): AsyncGenerator<T> {
    const stop = this.duration.startTimer({ op });
    try {
      yield* iterate();
      this.operations.inc({ op, outcome: 'ok' });
    } catch (error) {
      this.operations.inc({ op, outcome: outcomeOf(error) });
      throw error;
    } finally {
      stop();
    }
  }

  written(bytes: number): void {
    this.bytes.inc({ direction: 'write' }, bytes);
  }

  read(bytes: number): void {
    this.bytes.inc({ direction: 'read' }, bytes);
  }
}

export function outcomeOf(error: unknown): ObjectStoreOutcome {
  if (!(error instanceof ObjectStoreError)) return 'error';
  switch (error.code) {
    case ObjectStoreErrorCode.NotFound:
      return 'not_found';
    case ObjectStoreErrorCode.DigestMismatch:
      return 'digest_mismatch';
    case ObjectStoreErrorCode.TooLarge:
      return 'too_large';
    case ObjectStoreErrorCode.InvalidKey:
      return 'invalid_key';
    case ObjectStoreErrorCode.Unavailable:
      return 'unavailable';
    default: {
      const unmapped: never = error.code;
      return unmapped;
    }
  }
}

function getOrCreate<M, C>(
  registry: Registry,
  Metric: new (config: C) => M,
  config: C & { name: string },
): M {
  const existing = registry.getSingleMetric(config.name);
  if (existing === undefined) return new Metric({ ...config, registers: [registry] });
  if (!(existing instanceof Metric))
    throw new Error(`Metric ${config.name} is already registered with another type.`);
  return existing;
}
