// `renkei status`: one envelope's status and timeline, as its sender or recipient sees it.
import { AgentContext, openSession } from '../agent.context';
import { AgentError, usageError } from '../agent.errors';
import { EnvelopeItem, PlatformClient } from '../platform-client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkEnvelopeId(value: string): string {
  if (!UUID.test(value)) throw usageError(`封筒IDはUUIDです (envelope id must be a UUID): ${value}`);
  return value.toLowerCase();
}

export interface StatusOptions {
  envelopeId: string;
  /** keep asking this long while the platform answers 404 (right after a send, delivery may lag) */
  waitForMs?: number;
}

export async function status(ctx: AgentContext, options: StatusOptions): Promise<EnvelopeItem> {
  const { client } = await openSession(ctx);
  return getEnvelopeWaiting(client, checkEnvelopeId(options.envelopeId), options.waitForMs ?? 1_000);
}

export async function getEnvelopeWaiting(
  client: Pick<PlatformClient, 'getEnvelope'>,
  envelopeId: string,
  waitForMs: number,
  intervalMs = 100,
): Promise<EnvelopeItem> {
  const deadline = Date.now() + waitForMs;
  for (;;) {
    try {
      return await client.getEnvelope(envelopeId);
    } catch (error) {
      const notYet = error instanceof AgentError && error.code === 'ENVELOPE_NOT_FOUND';
      if (!notYet || Date.now() + intervalMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
