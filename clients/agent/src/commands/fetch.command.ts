// `renkei fetch`: download, open with the office key, check the signer against the office's trust anchors and
// the manifest's sender, then write the files atomically.
import * as path from 'node:path';
import { sortForImport, tryParseFileName, ParsedFileName } from '@renkei/careplan';
import {
  CertificatePolicyError,
  EnvelopeError,
  Manifest,
  OfficeCertificatePolicy,
  openEnvelope,
  OpenedFile,
  parseEnvelope,
} from '@renkei/envelope';
import { AgentContext, openSession } from '../agent.context';
import { AgentError, AgentErrorCode, ExitCode, usageError } from '../agent.errors';
import { ensureDirectory, exists, safeJoin, writeFileAtomic } from '../files.util';
import { EnvelopeItem, PlatformClient } from '../platform-client';
import { Profile } from '../profile.store';
import { PROGRESS_BAR_MIN_UNITS, progressBarOf } from '../progress';
import { signRecipientReceipt, signRejection } from '../receipts.util';
import { checkEnvelopeId } from './status.command';

export interface FetchOptions {
  envelopeIds?: string[];
  /** every available item of the inbox, in ascending ファイル連番 */
  all?: boolean;
  out: string;
  overwrite?: boolean;
}

export interface FetchedEnvelope {
  envelopeId: string;
  sender: { officeNumber: string; serviceType: string };
  kind: string;
  fileSequence: string;
  /** written paths, in manifest order */
  files: string[];
  /** the signed receipt this office posted (none for its own sent copy) */
  receipt?: { verdict: 'accepted' | 'rejected'; receiptSha256: string };
}

export interface FetchResult {
  envelopes: FetchedEnvelope[];
}

export async function fetchEnvelopes(ctx: AgentContext, options: FetchOptions): Promise<FetchResult> {
  const ids = options.envelopeIds ?? [];
  if (options.all === ids.length > 0) {
    throw usageError('封筒IDか --all のどちらか一方を指定してください (give envelope ids or --all)');
  }
  ids.forEach(checkEnvelopeId);
  const session = await openSession(ctx);
  const items = options.all
    ? await session.client.listInbox('available')
    : await Promise.all(ids.map((id) => session.client.getEnvelope(id.toLowerCase())));
  const order = importOrder(items);
  // every target is checked before anything is downloaded: a download is recorded by the platform
  await checkTargets(items, options);
  await ensureDirectory(options.out, 0o755);
  const envelopes: FetchedEnvelope[] = [];
  const byId = new Map(items.map((item) => [item.envelopeId, item]));
  const bar = progressBarOf(ctx.progressBar, {
    label: '受信中',
    total: order.length,
    minTotal: PROGRESS_BAR_MIN_UNITS,
  });
  try {
    for (const envelopeId of order) {
      ctx.progress(`受信中 (fetching) ${envelopeId}`);
      const item = byId.get(envelopeId) as EnvelopeItem;
      envelopes.push(await fetchOne(ctx, session.client, session.profile, item, options));
      bar.tick();
    }
  } finally {
    bar.done();
  }
  return { envelopes };
}

async function checkTargets(items: readonly EnvelopeItem[], options: FetchOptions): Promise<void> {
  const seen = new Set<string>();
  for (const item of items) {
    for (const file of item.files) {
      const target = safeJoin(options.out, file.name);
      if (seen.has(file.name.toUpperCase())) {
        throw fileExists(
          target,
          `同じ名前のファイルが複数の封筒にあります (same name in several envelopes; fetch them one by one)`,
        );
      }
      seen.add(file.name.toUpperCase());
      if (!options.overwrite && (await exists(target))) throw fileExists(target);
    }
  }
}

const fileExists = (
  target: string,
  reason = 'ファイルが既に存在します。上書きしません (file exists; use --overwrite)',
): AgentError => new AgentError(AgentErrorCode.FILE_EXISTS, `${reason}: ${target}`, ExitCode.InvalidInput);

/** Inbox items in the order a receiver imports them (sortForImport: ファイル連番, sender, recipient, name). */
export function importOrder(items: readonly EnvelopeItem[]): string[] {
  const sortable = items.map((item) => ({
    envelopeId: item.envelopeId,
    fileSequence: item.fileSequence,
    sender: item.sender,
    recipient: item.recipient,
    // only the first name takes part in the order; attachments may not parse as care-plan names
    files: item.files.slice(0, 1).map((f) => {
      const parsed = tryParseFileName(f.name);
      return parsed.ok ? parsed.value : ({ fileName: f.name } as ParsedFileName);
    }),
  }));
  return sortForImport(sortable).map((s) => s.envelopeId);
}

async function fetchOne(
  ctx: AgentContext,
  client: PlatformClient,
  profile: Profile,
  item: EnvelopeItem,
  options: FetchOptions,
): Promise<FetchedEnvelope> {
  const { envelopeId } = item;
  const der = await client.downloadContent(envelopeId);
  const receivedAt = new Date();
  let opened: { manifest: Manifest; files: OpenedFile[] };
  try {
    opened = await openChecked(der, profile);
    if (opened.manifest.envelopeId !== envelopeId) {
      throw rejected(`封筒IDが一致しません (manifest envelopeId ${opened.manifest.envelopeId})`);
    }
  } catch (error) {
    // the sender learns why: a signed rejection, then the error as before
    if (error instanceof AgentError) await postRejection(ctx, client, profile, item, der, error, receivedAt);
    throw error;
  }
  const targets = opened.files.map((f) => safeJoin(options.out, f.name));
  if (!options.overwrite) {
    for (const target of targets) if (await exists(target)) throw fileExists(target);
  }
  for (const [i, file] of opened.files.entries()) {
    await writeFileAtomic(targets[i], file.content, { overwrite: options.overwrite });
  }
  const { manifest } = opened;
  const isRecipient = manifest.recipient.officeNumber === profile.settings.officeNumber;
  const receipt = isRecipient
    ? await postReceipt(
        client,
        envelopeId,
        signRecipientReceipt(profile, {
          envelopeId,
          manifestSha256: parseEnvelope(der).manifestSha256,
          sender: manifest.sender,
          recipient: manifest.recipient,
          reasons: [],
          receivedAt,
        }),
      )
    : undefined;
  return {
    envelopeId,
    sender: manifest.sender,
    kind: manifest.kind,
    fileSequence: manifest.fileSequence,
    files: targets.map((t) => path.resolve(t)),
    ...(receipt ? { receipt } : {}),
  };
}

/** how long a receipt waits for delivery to have recorded the download it follows */
const RECEIPT_WAIT_MS = 15_000;

/** posts a signed receipt; delivery may not have recorded the download yet (RECEIPT_BEFORE_DOWNLOAD): retry */
export async function postReceipt(
  client: Pick<PlatformClient, 'postReceipt'>,
  envelopeId: string,
  der: Uint8Array,
): Promise<{ verdict: 'accepted' | 'rejected'; receiptSha256: string }> {
  const deadline = Date.now() + RECEIPT_WAIT_MS;
  for (;;) {
    try {
      const recorded = await client.postReceipt(envelopeId, der);
      return { verdict: recorded.verdict, receiptSha256: recorded.receiptSha256 };
    } catch (error) {
      const early = error instanceof AgentError && error.code === 'RECEIPT_BEFORE_DOWNLOAD';
      if (!early || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * A signed rejection naming the failure's code, when this office is the recipient and the envelope says which
 * manifest it is (its SignedData parses). Never hides the original failure: a post that fails is only reported.
 */
export async function postRejection(
  ctx: AgentContext,
  client: PlatformClient,
  profile: Profile,
  item: EnvelopeItem,
  der: Uint8Array,
  failure: AgentError,
  receivedAt: Date,
): Promise<void> {
  if (item.recipient.officeNumber !== profile.settings.officeNumber) return;
  const rejection = signRejection(profile, item.envelopeId, der, failure, receivedAt);
  if (!rejection) {
    ctx.progress(`受領拒否を送れません: 封筒を解析できません (no rejection sent: envelope unreadable)`);
    return;
  }
  try {
    const { code, receipt } = rejection;
    await postReceipt(client, item.envelopeId, receipt);
    ctx.progress(`受領拒否を送信しました (rejection sent): ${item.envelopeId} [${code}]`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.progress(`受領拒否を送信できませんでした (rejection not sent): ${reason}`);
  }
}

/**
 * Opens with the profile's key (as recipient or as the sender's own copy), then checks that the signer chains
 * to the profile's trust anchors at the manifest's createdAt and is the manifest's sender.
 */
export async function openChecked(
  der: Uint8Array,
  profile: Pick<Profile, 'certificate' | 'privateKey' | 'trustAnchorsPem'>,
): Promise<{ manifest: Manifest; files: OpenedFile[] }> {
  let opened;
  try {
    opened = await openEnvelope(der, { certificate: profile.certificate, privateKey: profile.privateKey });
  } catch (error) {
    if (error instanceof EnvelopeError) {
      throw rejected(`封筒を開けません (${error.code}): ${error.message}`, error.code);
    }
    throw error;
  }
  const { manifest } = opened;
  let signer;
  try {
    signer = OfficeCertificatePolicy.fromPem(profile.trustAnchorsPem).validate(
      opened.signerCertificate.der,
      [],
      new Date(manifest.createdAt),
    );
  } catch (error) {
    if (error instanceof CertificatePolicyError) {
      throw rejected(`送信元の証明書を信頼できません (${error.code}): ${error.message}`, error.code);
    }
    throw error;
  }
  if (
    signer.officeNumber !== manifest.sender.officeNumber ||
    !signer.serviceTypes.includes(manifest.sender.serviceType)
  ) {
    throw rejected(
      `署名者 ${signer.officeNumber} がマニフェストの送信元 ${manifest.sender.officeNumber}/${manifest.sender.serviceType} と一致しません`,
      AgentErrorCode.SIGNER_MISMATCH,
    );
  }
  return { manifest, files: opened.files };
}

const rejected = (message: string, code: string = AgentErrorCode.ENVELOPE_REJECTED): AgentError =>
  new AgentError(code, message, ExitCode.InvalidInput);
