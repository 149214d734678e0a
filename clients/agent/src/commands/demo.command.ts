// `renkei demo`: two demo offices exchange one 予定 unit through a running standalone platform, end to end.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileDirection, generateUnit, hasValidOfficeCheckDigit, SendUnitType } from '@renkei/careplan';
import { exportPkcs12, issueOfficeCertificate } from '@renkei/pki';
import { AgentContext } from '../agent.context';
import { AgentError, AgentErrorCode, ExitCode } from '../agent.errors';
import { writeNewFile } from '../files.util';
import { PASSPHRASE_ENV } from '../passphrase';
import {
  DEFAULT_PLATFORM_URL,
  PlatformClient,
  resolveEndpoints,
  type EnvelopeItem,
  type TimelineStep,
} from '../platform-client';
import { fetchEnvelopes } from './fetch.command';
import { inbox } from './inbox.command';
import { init } from './init.command';
import { register } from './licence.command';
import { loadCa } from './pki.command';
import { send } from './send.command';
import { openSession } from '../agent.context';

export const DEFAULT_DEMO_CA_DIR = path.join('.renkei', 'dev-ca');

export interface DemoOptions {
  caDir?: string;
  /** keep the temporary homes and files (printed in the result) */
  keep?: boolean;
  /** how long to wait for delivery steps */
  timeoutMs?: number;
}

export interface DemoOffice {
  officeNumber: string;
  serviceType: string;
  home: string;
}

export interface DemoTimelineStep extends TimelineStep {
  /** ms since the previous step (null for the first) */
  sincePreviousMs: number | null;
}

export interface DemoResult {
  ok: boolean;
  platformUrl: string;
  workDir: string | null;
  sender: DemoOffice;
  recipient: DemoOffice;
  envelopeId: string;
  files: { name: string; size: number; identical: boolean }[];
  status: string;
  timeline: DemoTimelineStep[];
}

const NEED_STANDALONE =
  'リポジトリのルートで `npm start` を実行してプラットフォームを起動してから、もう一度お試しください';

export async function demo(ctx: AgentContext, options: DemoOptions = {}): Promise<DemoResult> {
  const platformUrl = ctx.platformUrl ?? DEFAULT_PLATFORM_URL;
  const caDir = path.resolve(options.caDir ?? DEFAULT_DEMO_CA_DIR);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ca = await loadCa(caDir).catch((error: unknown) => {
    if (error instanceof AgentError && error.code === AgentErrorCode.DEV_CA_NOT_FOUND) {
      throw new AgentError(
        error.code,
        `${error.message}。${NEED_STANDALONE} (run \`npm start\` first)`,
        error.exitCode,
      );
    }
    throw error;
  });
  await new PlatformClient(resolveEndpoints(platformUrl, ctx.env), undefined, { fetch: ctx.fetch })
    .ping()
    .catch((error: unknown) => {
      if (error instanceof AgentError && error.exitCode === ExitCode.Unreachable) {
        throw new AgentError(error.code, `${error.message}。${NEED_STANDALONE}`, error.exitCode);
      }
      throw error;
    });
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'renkei-demo-'));
  try {
    const result = await exchange(ctx, platformUrl, workDir, ca, timeoutMs);
    return { ...result, workDir: options.keep ? workDir : null };
  } finally {
    if (!options.keep) await fs.rm(workDir, { recursive: true, force: true });
  }
}

async function exchange(
  ctx: AgentContext,
  platformUrl: string,
  workDir: string,
  ca: Awaited<ReturnType<typeof loadCa>>,
  timeoutMs: number,
): Promise<Omit<DemoResult, 'workDir'>> {
  const sender: DemoOffice = {
    officeNumber: demoOfficeNumber(),
    serviceType: '43',
    home: path.join(workDir, 'a'),
  };
  const recipient: DemoOffice = {
    officeNumber: demoOfficeNumber(),
    serviceType: '11',
    home: path.join(workDir, 'b'),
  };
  // each demo home holds one profile, its key encrypted under a passphrase generated here and kept in memory only
  // (passed to the steps as $RENKEI_KEY_PASSPHRASE of their context): no prompt, nothing in the OS secret store
  const passphrase = randomBytes(24).toString('base64url');
  const ctxOf = (office: DemoOffice): AgentContext => ({
    ...ctx,
    home: office.home,
    profile: undefined,
    passphraseFile: undefined,
    secretStore: null,
    env: { ...ctx.env, [PASSPHRASE_ENV]: passphrase },
    platformUrl,
  });
  for (const office of [sender, recipient]) {
    ctx.progress(
      `デモ事業所 ${office.officeNumber} (サービス種類 ${office.serviceType}) の証明書を発行し登録します`,
    );
    const credential = issueOfficeCertificate(ca, {
      officeNumber: office.officeNumber,
      serviceTypes: [office.serviceType],
      keyType: 'ec',
    });
    const password = randomBytes(18).toString('base64url');
    const p12 = path.join(workDir, `${office.officeNumber}.p12`);
    await writeNewFile(p12, await exportPkcs12(credential, password, { chain: [ca.certificate] }), 0o600);
    await init(ctxOf(office), { p12, password });
    // 利用申請 (signed, approved at once): intake and delivery serve only offices with a live licence
    await register(ctxOf(office), { autoRenew: true });
  }
  const now = new Date();
  const unit = generateUnit({
    seed: now.getTime() % 0x7fffffff,
    direction: FileDirection.FromPlanner,
    month: sequenceOf(now).slice(0, 6),
    type: SendUnitType.ServiceUsagePlan,
    planner: { officeNumber: sender.officeNumber, serviceType: sender.serviceType },
    provider: { officeNumber: recipient.officeNumber, serviceType: recipient.serviceType },
    sequence: sequenceOf(now),
  });
  const outbox = path.join(workDir, 'outbox');
  await fs.mkdir(outbox);
  for (const file of unit.files) await writeNewFile(path.join(outbox, file.fileName), file.bytes);
  ctx.progress(
    `予定 (${unit.files.map((f) => f.kind).join(' + ')}) を ${sender.officeNumber} から送信します`,
  );
  const sent = await send(ctxOf(sender), { dir: outbox });
  const { envelopeId } = sent.envelopes[0];
  ctx.progress(`${recipient.officeNumber} の受信箱に届くのを待っています (waiting for the inbox) …`);
  await eventually(timeoutMs, async () => {
    const box = await inbox(ctxOf(recipient), { status: 'available' });
    return box.items.some((item) => item.envelopeId === envelopeId);
  });
  const received = path.join(workDir, 'received');
  const fetched = await fetchEnvelopes(ctxOf(recipient), { envelopeIds: [envelopeId], out: received });
  const files = await compareFiles(unit.files, fetched.envelopes[0].files);
  ctx.progress(`${sender.officeNumber} から状態を確認します (status as the sender)`);
  const { client } = await openSession(ctxOf(sender));
  let item: EnvelopeItem | undefined;
  await eventually(timeoutMs, async () => {
    item = await client.getEnvelope(envelopeId);
    // fetch posted the recipient's signed receipt: the last step of the timeline
    return item.status === 'receipted';
  });
  const last = item as EnvelopeItem;
  const timeline = withDurations(last.timeline ?? []);
  const ok = files.every((f) => f.identical) && reachedInOrder(timeline);
  return { ok, platformUrl, sender, recipient, envelopeId, files, status: last.status, timeline };
}

async function compareFiles(
  originals: readonly { fileName: string; bytes: Buffer }[],
  written: readonly string[],
): Promise<DemoResult['files']> {
  const byName = new Map(written.map((file) => [path.basename(file), file]));
  return Promise.all(
    originals.map(async (original) => {
      const file = byName.get(original.fileName);
      const bytes = file ? await fs.readFile(file) : undefined;
      return {
        name: original.fileName,
        size: original.bytes.length,
        identical: !!bytes && bytes.equals(original.bytes),
      };
    }),
  );
}

/** accepted, available, downloaded, then receipted, each present (later repeats of a step are allowed) */
export function reachedInOrder(timeline: readonly TimelineStep[]): boolean {
  const first = (['accepted', 'available', 'downloaded', 'receipted'] as const).map((step) =>
    timeline.findIndex((s) => s.step === step),
  );
  return first.every((index, i) => index >= 0 && (i === 0 || index > first[i - 1]));
}

export function withDurations(timeline: readonly TimelineStep[]): DemoTimelineStep[] {
  return timeline.map((step, i) => ({
    ...step,
    sincePreviousMs: i === 0 ? null : Date.parse(step.at) - Date.parse(timeline[i - 1].at),
  }));
}

/** A random 事業所番号 with a valid 検証番号 (prefecture 13, then digits). */
export function demoOfficeNumber(): string {
  const body = `13${randomBytes(7).reduce((s, b) => s + String(b % 10), '')}`;
  for (let digit = 0; digit <= 9; digit += 1) {
    if (hasValidOfficeCheckDigit(`${body}${digit}`)) return `${body}${digit}`;
  }
  throw new Error('no check digit found');
}

/** ファイル連番 YYYYMMDDHHMMSS in UTC. */
export function sequenceOf(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * refusals that only mean "not yet": delivery files the envelope a moment after intake accepted it, and learns of
 * a licence from registry's events on its own (its read model may trail intake's by a few ms)
 */
const NOT_YET = ['ENVELOPE_NOT_FOUND', 'LICENCE_NOT_LIVE'];

async function eventually(timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const done = (): Promise<boolean> =>
    check().catch((error: unknown) => {
      if (error instanceof AgentError && NOT_YET.includes(error.code)) return false;
      throw error;
    });
  while (!(await done())) {
    if (Date.now() > deadline) {
      throw new AgentError(
        AgentErrorCode.TIMEOUT,
        `${Math.round(timeoutMs / 1000)} 秒待っても処理が進みませんでした (timed out)`,
        ExitCode.Unexpected,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
