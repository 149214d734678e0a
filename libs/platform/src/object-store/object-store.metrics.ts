// Prometheus metrics for the object store adapters (get-or-create, so several instances share one registry).
import { register, type Counter, type Histogram, type Registry } from 'prom-client';
import { counterOn, histogramOn } from '../messaging/metric.util';
import { ObjectStoreError, ObjectStoreErrorCode } from './object-store';

export type ObjectStoreOp = 'put' | 'get' | 'stat' | 'delete' | 'list' | 'check';
export type ObjectStoreOutcome =
  'ok' | 'not_found' | 'digest_mismatch' | 'too_large' | 'invalid_key' | 'unavailable' | 'error';

export class ObjectStoreMetrics {
  private readonly operations: Counter<'op' | 'outcome'>;
  private readonly bytes: Counter<'direction'>;
  private readonly duration: Histogram<'op'>;

  constructor(registry: Registry = register) {
    this.operations = counterOn(
      registry,
      'renkei_object_store_operations_total',
      'Object store operations by operation and outcome.',
      ['op', 'outcome'],
    );
    this.bytes = counterOn(
      registry,
      'renkei_object_store_bytes_total',
      'Object body bytes written to (put) and read from (get) the object store.',
      ['direction'],
    );
    this.duration = histogramOn(
      registry,
      'renkei_object_store_operation_duration_seconds',
      'Object store operation duration; for get, until the body starts streaming.',
      ['op'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
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
