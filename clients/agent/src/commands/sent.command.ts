// `renkei sent [--month YYYYMM]`: what this office sent (delivery's GET /v1/sent, every page), each with where its
// timeline stands (accepted → available → downloaded → receipted/rejected) and the recipient's verdict.
import { AgentContext, openSession } from '../agent.context';
import { EvidenceMonth, inMonth } from '../evidence/evidence-month';
import { receiptStepOf } from '../evidence/evidence-verify';
import { EnvelopeItem } from '../platform-client';

export interface SentItem {
  envelopeId: string;
  recipient: { officeNumber: string; serviceType: string };
  kind: string;
  targetMonth: string;
  fileSequence: string;
  files: number;
  /** the last step reached */
  status: string;
  acceptedAt: string | null;
  availableAt: string | null;
  downloadedAt: string | null;
  receiptedAt: string | null;
  /** the recipient's verdict and its reasons; null before it receipted */
  verdict: 'accepted' | 'rejected' | null;
  reasonCodes: string[];
}

export interface SentResult {
  /** YYYYMM when --month was given, else null (everything sent) */
  month: string | null;
  items: SentItem[];
}

export async function sent(ctx: AgentContext, options: { month?: EvidenceMonth } = {}): Promise<SentResult> {
  const { client } = await openSession(ctx);
  const all = await client.listSent();
  const items = options.month
    ? all.filter((i) => inMonth(i.acceptedAt, options.month as EvidenceMonth))
    : all;
  return { month: options.month?.month ?? null, items: items.map(sentItemOf) };
}

export function sentItemOf(item: EnvelopeItem): SentItem {
  const step = receiptStepOf(item);
  const verdict = step?.proof?.['verdict'];
  const reasons = step?.proof?.['reasonCodes'];
  return {
    envelopeId: item.envelopeId,
    recipient: item.recipient,
    kind: item.kind,
    targetMonth: item.targetMonth,
    fileSequence: item.fileSequence,
    files: item.files.length,
    status: item.status,
    acceptedAt: item.acceptedAt,
    availableAt: item.availableAt,
    downloadedAt: item.downloadedAt,
    receiptedAt: step?.at ?? null,
    verdict: verdict === 'accepted' || verdict === 'rejected' ? verdict : null,
    reasonCodes: Array.isArray(reasons) ? reasons.map(String) : [],
  };
}
