import { currentCorrelationId } from '../logging/correlation';
import { PermanentMessageError } from './event-bus';
import {
  DLQ_ERROR_MAX_CHARS,
  backoffMs,
  deliverWithRetry,
  describeError,
  resolveRetryPolicy,
} from './message-delivery';

describe('deliverWithRetry', () => {
  const message = { topic: 't', partition: 0, offset: '0', key: 'k', value: Buffer.from('v'), headers: {} };
  const policy = resolveRetryPolicy({ maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 250 });

  it('waits with exponential backoff capped at maxBackoffMs', async () => {
    const waits: number[] = [];

    const outcome = await deliverWithRetry(message, async () => Promise.reject(new Error('down')), policy, {
      onRetry: () => undefined,
      wait: async (ms) => (waits.push(ms), true),
    });

    expect(waits).toEqual([100, 200, 250]);
    expect(outcome).toEqual({ kind: 'dlq', reason: 'retries-exhausted', error: 'Error: down', attempts: 4 });
  });

  it('sends a PermanentMessageError to the DLQ on the first attempt', async () => {
    const outcome = await deliverWithRetry(
      message,
      async () => Promise.reject(new PermanentMessageError('undecodable')),
      policy,
      {
        onRetry: () => undefined,
        wait: async () => true,
      },
    );

    expect(outcome).toMatchObject({ kind: 'dlq', reason: 'undecodable', attempts: 1 });
  });

  it('gives up without a verdict when the wait is aborted', async () => {
    const outcome = await deliverWithRetry(message, async () => Promise.reject(new Error('down')), policy, {
      onRetry: () => undefined,
      wait: async () => false,
    });

    expect(outcome).toEqual({ kind: 'aborted', attempts: 1 });
  });

  it('truncates long error messages', () => {
    expect(describeError(new Error('x'.repeat(5000)))).toHaveLength(DLQ_ERROR_MAX_CHARS);
  });

  it('rejects a policy whose backoff bounds are inverted', () => {
    expect(() => resolveRetryPolicy({ initialBackoffMs: 10, maxBackoffMs: 5 })).toThrow('backoff');
    expect(backoffMs(policy, 1)).toBe(100);
  });
});

describe('correlation id in handlers', () => {
  it('runs the handler inside the correlation id carried by the message', async () => {
    let seen: string | undefined;
    const message = {
      topic: 't',
      partition: 0,
      offset: '0',
      key: 'k',
      value: Buffer.from('x'),
      headers: { 'correlation-id': 'envelope-42' },
    };

    await deliverWithRetry(
      message,
      async () => {
        seen = currentCorrelationId();
      },
      resolveRetryPolicy(),
      { onRetry: () => undefined, wait: async () => true },
    );

    expect(seen).toBe('envelope-42');
  });
});
