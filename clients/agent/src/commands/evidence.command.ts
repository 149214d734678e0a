// `renkei evidence --month YYYYMM [--out FILE] [--overwrite]`: the office's record of what it sent and received
// that month, for inspections: one row per file per envelope, from the platform's timelines (delivery's
// GET /v1/sent and GET /v1/inbox?status=all, every page; the same items as GET /v1/envelopes/{id}) and this
// agent's check of the acceptance and recipient receipts. Month rule: evidence-month.ts (acceptance time, JST).
// Written atomically as MS932 CSV (evidence-csv.ts).
import * as path from 'node:path';
import { AgentContext, openSession } from '../agent.context';
import { AgentError, AgentErrorCode, ExitCode } from '../agent.errors';
import { exists, writeFileAtomic } from '../files.util';
import { EnvelopeItem } from '../platform-client';
import { progressBarOf } from '../progress';
import { EvidenceEnvelope, evidenceCsv, EvidenceRow, evidenceRows } from '../evidence/evidence-csv';
import { EvidenceMonth, inMonth } from '../evidence/evidence-month';
import { checkReceipts, Direction, readKeptAcceptance, ReceiptSource } from '../evidence/evidence-verify';

export interface EvidenceOptions {
  month: EvidenceMonth;
  /** default: ./renkei-evidence-<事業所番号>-<YYYYMM>.csv */
  out?: string;
  overwrite?: boolean;
}

export interface EvidenceResult {
  month: string;
  officeNumber: string;
  /** the CSV written (absolute) */
  file: string;
  envelopes: { sent: number; received: number };
  rows: EvidenceRow[];
}

/** a month with at least this many envelopes gets a progress bar (on a terminal) */
export const EVIDENCE_BAR_MIN = 20;

export async function evidence(ctx: AgentContext, options: EvidenceOptions): Promise<EvidenceResult> {
  const { profile, client } = await openSession(ctx);
  const officeNumber = profile.settings.officeNumber;
  const file = path.resolve(options.out ?? `renkei-evidence-${officeNumber}-${options.month.month}.csv`);
  // refused before any work; writeFileAtomic checks again at the rename
  if (!options.overwrite && (await exists(file))) {
    throw new AgentError(
      AgentErrorCode.FILE_EXISTS,
      `ファイルが既に存在します。上書きしません (file exists; use --overwrite): ${file}`,
      ExitCode.InvalidInput,
    );
  }
  const ofMonth = (items: EnvelopeItem[]) => items.filter((i) => inMonth(i.acceptedAt, options.month));
  const sentItems = ofMonth(await client.listSent());
  // an envelope this office sent to itself is in both lists: it is evidence of both directions
  const receivedItems = ofMonth(await client.listInbox('all'));
  const work: { direction: Direction; item: EnvelopeItem }[] = [
    ...sentItems.map((item) => ({ direction: 'sent' as const, item })),
    ...receivedItems.map((item) => ({ direction: 'received' as const, item })),
  ];
  const source: ReceiptSource = {
    keptAcceptance: (id) => readKeptAcceptance(profile.dir, id),
    platformAcceptance: (id) => client.getAcceptanceReceipt(id),
    recipientReceipt: (id) => client.getRecipientReceipt(id),
  };
  const bar = progressBarOf(ctx.progressBar, {
    label: '証跡を作成中',
    total: work.length,
    minTotal: EVIDENCE_BAR_MIN,
  });
  const envelopes: EvidenceEnvelope[] = [];
  try {
    for (const { direction, item } of work) {
      envelopes.push({
        direction,
        item,
        checks: await checkReceipts(item, direction, source, profile.trustAnchorsPem),
      });
      bar.tick();
    }
  } finally {
    bar.done();
  }
  const rows = evidenceRows(envelopes);
  await writeFileAtomic(file, evidenceCsv(rows), { overwrite: options.overwrite });
  return {
    month: options.month.month,
    officeNumber,
    file,
    envelopes: { sent: sentItems.length, received: receivedItems.length },
    rows,
  };
}
