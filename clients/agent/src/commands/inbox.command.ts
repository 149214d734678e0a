// `renkei inbox`: what was sent to this office (every page).
import { AgentContext, openSession } from '../agent.context';
import { usageError } from '../agent.errors';
import { EnvelopeItem, InboxStatus } from '../platform-client';

export const INBOX_STATUSES: readonly InboxStatus[] = ['available', 'downloaded', 'all'];

export interface InboxResult {
  status: InboxStatus;
  items: EnvelopeItem[];
}

export function parseInboxStatus(value: string | undefined): InboxStatus {
  const status = value ?? 'available';
  if (!(INBOX_STATUSES as readonly string[]).includes(status)) {
    throw usageError(`--status は ${INBOX_STATUSES.join(' | ')} のいずれかです: ${status}`);
  }
  return status as InboxStatus;
}

export async function inbox(ctx: AgentContext, options: { status?: InboxStatus } = {}): Promise<InboxResult> {
  const status = options.status ?? 'available';
  const { client } = await openSession(ctx);
  return { status, items: await client.listInbox(status) };
}
