// The delivery rules both adapters share: in-process retry with exponential backoff for transient errors,
// the DLQ at once for PermanentMessageError, the DLQ with `retries-exhausted` after the last attempt.
import { runWithCorrelationId } from '../logging/correlation';
import {
  DlqHeaders,
  EventHeaders,
  PermanentMessageError,
  type IncomingMessage,
  type MessageHandler,
  type MessageHeaders,
  type RetryPolicy,
} from './event-bus';
import type { MessagingMetrics } from './messaging.metrics';
import type { PlatformLogger } from './platform-logger';

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  initialBackoffMs: 200,
  maxBackoffMs: 10_000,
};

export const RETRIES_EXHAUSTED = 'retries-exhausted';

/** longest error message copied into the `x-dlq-error` header */
export const DLQ_ERROR_MAX_CHARS = 1000;

export function resolveRetryPolicy(...layers: (Partial<RetryPolicy> | undefined)[]): RetryPolicy {
  const merged = Object.assign(
    {},
    DEFAULT_RETRY_POLICY,
    ...layers.map((layer) => layer ?? {}),
  ) as RetryPolicy;
  if (!(merged.maxAttempts >= 1))
    throw new Error(`retry.maxAttempts must be >= 1, got ${merged.maxAttempts}`);
  if (!(merged.initialBackoffMs >= 0) || !(merged.maxBackoffMs >= merged.initialBackoffMs)) {
    throw new Error('retry backoff must satisfy 0 <= initialBackoffMs <= maxBackoffMs');
  }
  return merged;
}

/** wait before attempt `failedAttempt + 1`: initial × 2^(failedAttempt−1), capped */
export function backoffMs(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (failedAttempt - 1));
}

export type DeliveryOutcome =
  | { readonly kind: 'handled'; readonly attempts: number }
  | { readonly kind: 'dlq'; readonly reason: string; readonly error: string; readonly attempts: number }
  /** the subscription is stopping: leave the message uncommitted so it is delivered again */
  | { readonly kind: 'aborted'; readonly attempts: number };

export interface DeliveryHooks {
  /** called for each transient failure that will be retried */
  onRetry(attempt: number, error: unknown): void;
  /** waits `ms`; resolves false when the subscription is stopping */
  wait(ms: number): Promise<boolean>;
}

export async function deliverWithRetry(
  message: Omit<IncomingMessage, 'attempt'>,
  handler: MessageHandler,
  policy: RetryPolicy,
  hooks: DeliveryHooks,
): Promise<DeliveryOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      // the handler's logs carry the correlation id of the request or envelope that caused the event
      await runWithCorrelationId(message.headers[EventHeaders.correlationId], () =>
        handler({ ...message, attempt }),
      );
      return { kind: 'handled', attempts: attempt };
    } catch (error) {
      if (error instanceof PermanentMessageError) {
        return { kind: 'dlq', reason: error.reason, error: describeError(error), attempts: attempt };
      }
      if (attempt >= policy.maxAttempts) {
        return { kind: 'dlq', reason: RETRIES_EXHAUSTED, error: describeError(error), attempts: attempt };
      }
      hooks.onRetry(attempt, error);
      if (!(await hooks.wait(backoffMs(policy, attempt)))) return { kind: 'aborted', attempts: attempt };
    }
  }
}

export interface RecordedDeliveryHooks {
  readonly groupId: string;
  readonly metrics: MessagingMetrics;
  readonly logger: PlatformLogger;
  /** waits `ms`; resolves false when the subscription is stopping */
  wait(ms: number): Promise<boolean>;
  /** writes the message to `<topic>.dlq`; a rejection leaves the message for redelivery */
  sendToDlq(outcome: Extract<DeliveryOutcome, { kind: 'dlq' }>): Promise<void>;
}

/** deliverWithRetry plus what both adapters record around it: consume metrics, DLQ write and count, logs */
export async function deliverAndRecord(
  message: Omit<IncomingMessage, 'attempt'>,
  handler: MessageHandler,
  policy: RetryPolicy,
  hooks: RecordedDeliveryHooks,
): Promise<DeliveryOutcome> {
  const { groupId, metrics, logger } = hooks;
  const { topic } = message;
  const outcome = await deliverWithRetry(message, handler, policy, {
    onRetry: (attempt, error) => {
      metrics.consumedOne(groupId, topic, 'retried');
      logger.debug({ group: groupId, topic, attempt, err: String(error) }, 'Handler failed; retrying.');
    },
    wait: (ms) => hooks.wait(ms),
  });
  if (outcome.kind === 'handled') metrics.consumedOne(groupId, topic, 'ok');
  if (outcome.kind === 'dlq') {
    await hooks.sendToDlq(outcome);
    metrics.dlqMessages.inc({ topic });
    metrics.consumedOne(groupId, topic, 'dlq');
    logger.warn({ group: groupId, topic, reason: outcome.reason }, 'Message sent to the dead-letter topic.');
  }
  return outcome;
}

export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > DLQ_ERROR_MAX_CHARS ? `${text.slice(0, DLQ_ERROR_MAX_CHARS - 1)}…` : text;
}

/** the original headers plus the bus's own `x-dlq-*` headers */
export function dlqHeadersFor(
  message: Omit<IncomingMessage, 'attempt'>,
  groupId: string,
  outcome: { readonly reason: string; readonly error: string; readonly attempts: number },
): MessageHeaders {
  return {
    ...message.headers,
    [DlqHeaders.reason]: outcome.reason,
    [DlqHeaders.error]: outcome.error,
    [DlqHeaders.originalTopic]: message.topic,
    [DlqHeaders.originalPartition]: String(message.partition),
    [DlqHeaders.originalOffset]: message.offset,
    [DlqHeaders.groupId]: groupId,
    [DlqHeaders.attempts]: String(outcome.attempts),
  };
}

/** resolves after `ms`, or early (false) when `signal` aborts */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
