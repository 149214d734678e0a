// Text for people. Commands return data; with --json the CLI prints that data instead of these lines.
import type { DevInitResult, IssueResult } from './commands/pki.command';
import type { InitResult } from './commands/init.command';
import type { ProfileListResult, ProfileRemoveResult, RekeyResult } from './commands/profile.command';
import type { KeyProtection } from './profile.store';
import { formatCheckReport, formatConformanceReport } from '@renkei/careplan';
import type { SendProblem, SendResult } from './commands/send.command';
import type { ValidateResult } from './commands/validate.command';
import type { InboxResult } from './commands/inbox.command';
import type { FetchResult } from './commands/fetch.command';
import type { WatchResult } from './commands/watch.command';
import type { SentResult } from './commands/sent.command';
import type { EvidenceResult } from './commands/evidence.command';
import { jstDateTime } from './evidence/evidence-month';
import type { DemoResult } from './commands/demo.command';
import type { ApiCommandResult, ApiListening } from './commands/api.command';
import type { ApiLogEntry } from './api/local-api.server';
import type { OfficeStatusResult } from './commands/office-status.command';
import type { WatchStatus } from './commands/watch-status';
import type { LocalCertificateExpiry } from './certificate-expiry.util';
import type { RegisterResult } from './commands/licence.command';
import type { EnvelopeItem, Licence, LicenceState } from './platform-client';
import { AgentError } from './agent.errors';

export const HELP = `renkei — ケアプランデータ連携 事業所エージェント (care-plan exchange office agent)

使い方 (usage): renkei [--home DIR] [--profile NAME] [--passphrase-file F] [--platform URL] [--json] <command> [options]

コマンド (commands):
  pki dev-init --out DIR [--key-type rsa|ec]
        開発用CA (TEST ONLY) を DIR/ca.pem, DIR/ca.key.pem に作成
  pki issue --ca DIR --office NUMBER --service-type CODE [--service-type CODE…]
            [--key-type rsa|ec] --out FILE.p12 [--password-file F]
        開発用CAから事業所証明書を発行し .p12 に書き出す
  init --p12 FILE [--name NAME] [--password-file F] [--trust-anchor PEM] [--offline] [--force]
        .p12 をプロファイル (既定の名前は事業所番号) に取り込み、秘密鍵を暗号化して保存し、
        証明書を事業所ディレクトリに登録
  profile [list]
        この端末のプロファイルの一覧 (* は名前を指定しないときに使うもの)
  profile remove NAME
        プロファイルを削除 (秘密鍵・受付証明も)
  profile rekey [--new-passphrase-file F]
        秘密鍵のパスフレーズを変更 / 暗号化されていない鍵 (旧版) を暗号化
  validate <files…> | --dir DIR [--report [--csv FILE] [--overwrite]]
        送信前の検査 (プロファイル不要): ファイル名・MS932・各行・送信単位。エラーがあれば終了コード 3
        --report: ベンダ試験パターン D1〜D7 別の適合性レポート、--csv FILE: その MS932 CSV も書き出す
  send <files…> | --dir DIR
        validate と同じ検査のあと封筒に封かんして送信 (エラーが1つでもあれば何も送らない)
  inbox [--status available|downloaded|all]
        受信箱の一覧
  fetch <envelopeId…> | --all  --out DIR [--overwrite]
        受信して開封・検証し、ファイルを DIR に書き出す
  sent [--month YYYYMM]
        送信した封筒の一覧 (受付・配信可能・ダウンロード・受領の状態と受領結果)。--month: その月 (日本時間) に受付されたもの
  evidence --month YYYYMM [--out FILE] [--overwrite]
        その月 (日本時間、受付日時で判定) に送信・受信したファイルの証跡 (ファイル名・SHA-256・事業所・日時・受領結果・
        受付証明/受領証明の検証) を MS932 の CSV に書き出す (既定: renkei-evidence-<事業所番号>-<YYYYMM>.csv)
  watch --export DIR --import DIR [--archive DIR] [--rejected DIR] [--once]
        [--settle-ms N] [--poll-ms N] [--scan-ms N] [--api [--api-port N]]
        書き出しフォルダの送信単位を検査・封かん・送信して archive/<封筒ID>/ へ移し、受信した送信単位を
        連番の昇順で取込フォルダへ書き出して受領証明を送る (再起動・オフラインでも二重送信・取りこぼしなし)
        --once: 今ある分だけ処理して終了 (cron 向け。待ちが残れば終了コード 5)
        --api: ローカル API (renkei api と同じ) も提供し、Prefer: respond-async の POST /v1/units を
        送信キューに入れる (202。接続でき次第1回だけ送信。状態は GET /v1/queue/{key})。--api-port: 既定 18080、0 で空きポート
  status [--offline]
        事業所の状態: 電子証明書の有効期限 (この端末の証明書から、オフラインでも) と
        プラットフォームの登録内容 (GET /v1/offices/me)。期限の60日前から警告を表示。
        renkei watch の送受信待ち (送信キュー・取込の状況、要対応の項目) も表示
  status <envelopeId>
        封筒の状態と経過 (timeline)
  api [--port N]
        ローカル REST API (127.0.0.1 のみ、既定ポート 18080)。トークンはプロファイルの api-token ファイル。
        仕様は GET /openapi.json。Ctrl-C (SIGINT) か SIGTERM で、処理中の呼び出しを終えてから停止
  demo [--ca-dir DIR] [--keep]
        起動中のスタンドアロン (npm start) で2事業所間の送受信を実演
  register [--service-types 43,46] [--no-auto-renew]
        利用申請 (証明書で署名して送信)。サービス種類の既定は証明書のすべて、自動更新の既定はあり
  licence
        ライセンスの状態 (状態・期間・自動更新)
  licence renew [--auto-renew | --no-auto-renew]
        期限切れのライセンスを更新 / 有効なライセンスの自動更新を設定 (既定: 自動更新あり)
  licence cancel --reason "…"
        ライセンスを解約 (理由は必須)

共通オプション (global options):
  --home DIR       エージェントのディレクトリ (既定: $RENKEI_HOME または ~/.renkei-agent)。プロファイルは DIR/profiles/NAME
  --profile NAME   使うプロファイル (既定: 環境変数 RENKEI_PROFILE、プロファイルが1つならそれ)
  --passphrase-file F  秘密鍵のパスフレーズ (1行目)。ほかに環境変数 RENKEI_KEY_PASSPHRASE、OS の資格情報ストア、
                   端末での入力 (表示しません) の順
  --platform URL   プラットフォームのURL (既定: プロファイルの値、なければ http://127.0.0.1:8080)
  --json           結果を JSON で標準出力に出す (エラーは {"error":{code,message}})
  .p12 のパスワード: --password-file F または環境変数 RENKEI_P12_PASSWORD
  クラスタ: RENKEI_CERTIFICATE_URL, RENKEI_REGISTRY_URL, RENKEI_INTAKE_URL, RENKEI_STORAGE_URL, RENKEI_DELIVERY_URL

終了コード (exit codes): 0 成功, 1 予期しないエラー, 2 使い方の誤り, 3 入力の誤り,
  4 プラットフォームが拒否, 5 プラットフォームに接続できない, 6 見つからない
`;

export function formatDevInit(r: DevInitResult): string {
  return [
    '開発用CAを作成しました (TEST ONLY):',
    `  証明書 (certificate): ${r.certificateFile}`,
    `  秘密鍵 (key, 0600):   ${r.keyFile}`,
    `  SHA-256: ${r.fingerprint}`,
  ].join('\n');
}

export function formatIssue(r: IssueResult): string {
  return [
    `事業所証明書を発行しました: ${r.file}`,
    `  事業所番号 ${r.officeNumber}  サービス種類 ${r.serviceTypes.join(', ')}  有効期限 ${r.notAfter}`,
    `  SHA-256: ${r.fingerprint}`,
    ...r.warnings.map((w) => `  警告: ${w}`),
  ].join('\n');
}

const KEY_PROTECTION_LABEL: Record<KeyProtection, string> = {
  passphrase: 'パスフレーズで暗号化',
  'os-secret': 'OS の資格情報ストアのパスフレーズで暗号化',
  plain: '暗号化されていません — `renkei profile rekey` で暗号化してください',
};

export function formatInit(r: InitResult): string {
  return [
    `プロファイル ${r.profile} を作成しました: ${r.home}`,
    `  秘密鍵: ${KEY_PROTECTION_LABEL[r.keyProtection]} (${r.keyProtection})`,
    `  事業所番号 ${r.officeNumber}  サービス種類 ${r.serviceTypes.join(', ')}`,
    `  プラットフォーム ${r.platformUrl}  信頼するCA ${r.trustAnchors} 件`,
    r.published
      ? `  事業所ディレクトリに登録済み (version ${r.published.version}, status ${r.published.status})`
      : '  オフライン: 事業所ディレクトリには登録していません (--offline)',
  ].join('\n');
}

export function formatProfileList(r: ProfileListResult): string {
  if (r.profiles.length === 0) {
    return `プロファイルがありません: ${r.home}。\`renkei init --p12 FILE\` で作成してください`;
  }
  return [
    `プロファイル (${r.home}):`,
    ...r.profiles.map(
      (p) =>
        `${p.name === r.selected ? '*' : ' '} ${p.name}  事業所番号 ${p.officeNumber}  サービス種類 ${p.serviceTypes.join(', ')}  秘密鍵: ${KEY_PROTECTION_LABEL[p.keyProtection]}`,
    ),
  ].join('\n');
}

export function formatProfileRemove(r: ProfileRemoveResult): string {
  return `プロファイル ${r.removed.name} を削除しました: ${r.removed.dir}`;
}

export function formatRekey(r: RekeyResult): string {
  const done = r.previously === 'plain' ? '秘密鍵を暗号化しました' : '秘密鍵のパスフレーズを変更しました';
  return `プロファイル ${r.profile}: ${done} (${KEY_PROTECTION_LABEL[r.keyProtection]})`;
}

export function formatProblem(p: SendProblem): string {
  const where = [
    p.file ?? '-',
    p.row !== null ? `${p.row}行` : null,
    p.column !== null ? `${p.column}列${p.columnName ? ` ${p.columnName}` : ''}` : null,
  ]
    .filter((part) => part !== null)
    .join(' ');
  return `  ${p.severity === 'error' ? 'エラー' : '警告'} ${where}: [${p.code}] ${p.message}`;
}

export function formatSend(r: SendResult): string {
  const lines = r.warnings.length > 0 ? ['警告 (warnings):', ...r.warnings.map(formatProblem)] : [];
  for (const e of r.envelopes) {
    lines.push(
      `${e.envelopeId}  ${e.status}${e.duplicate ? ' (受付済み: duplicate)' : ''}  ${e.kind} ${e.targetMonth} 連番 ${e.fileSequence} → ${e.recipient.officeNumber}/${e.recipient.serviceType}  (${e.files.length} ファイル)`,
      `  受付証明 (acceptance receipt, verified): ${e.acceptanceReceipt.file}`,
    );
  }
  return lines.join('\n');
}

export function formatValidate(r: ValidateResult): string {
  const text = r.conformance ? formatConformanceReport(r.conformance) : formatCheckReport(r.check);
  return r.csvFile ? `${text}\nCSV を書き出しました (written): ${r.csvFile}` : text;
}

export function formatInbox(r: InboxResult): string {
  if (r.items.length === 0) return `受信箱は空です (status=${r.status})`;
  return r.items
    .map(
      (i) =>
        `${i.envelopeId}  ${i.status}  ${i.kind} ${i.targetMonth} 連番 ${i.fileSequence}  from ${i.sender.officeNumber}/${i.sender.serviceType}  ${i.files.length} ファイル`,
    )
    .join('\n');
}

export function formatFetch(r: FetchResult): string {
  if (r.envelopes.length === 0) return '受信できる封筒はありません';
  return r.envelopes
    .flatMap((e) => [
      `${e.envelopeId}  from ${e.sender.officeNumber}`,
      ...e.files.map((f) => `  ${f}`),
      ...(e.receipt
        ? [`  受領証明を送信しました (receipt sent): ${e.receipt.verdict} sha256 ${e.receipt.receiptSha256}`]
        : []),
    ])
    .join('\n');
}

const SENT_STATUS_LABEL: Record<string, string> = {
  accepted: '受付済',
  available: '配信可能',
  downloaded: 'ダウンロード済',
  receipted: '受領',
  rejected: '受領拒否',
};

export function formatSent(r: SentResult): string {
  const scope = r.month ? ` (${r.month.slice(0, 4)}年${r.month.slice(4)}月に受付、日本時間)` : '';
  if (r.items.length === 0) return `送信した封筒はありません${scope}`;
  const header = [
    '受付日時(JST)      ',
    '封筒ID                              ',
    '種別 対象年月 連番',
    '宛先',
    '状態',
  ];
  return [
    `送信した封筒 ${r.items.length} 件${scope}:`,
    header.join('  '),
    ...r.items.map((i) =>
      [
        jstDateTime(i.acceptedAt).padEnd(19),
        i.envelopeId,
        `${i.kind} ${i.targetMonth} ${i.fileSequence}`,
        `${i.recipient.officeNumber}/${i.recipient.serviceType}`,
        `${SENT_STATUS_LABEL[i.status] ?? i.status}${i.reasonCodes.length > 0 ? ` (${i.reasonCodes.join(', ')})` : ''}`,
      ].join('  '),
    ),
  ].join('\n');
}

export function formatEvidence(r: EvidenceResult): string {
  const failed = r.rows.filter(
    (row) => row.acceptanceReceipt.state === 'failed' || row.recipientReceipt.state === 'failed',
  );
  const envelopes = new Set(failed.map((row) => row.envelopeId));
  return [
    `${r.month} の証跡を書き出しました (MS932 CSV): ${r.file}`,
    `  事業所番号 ${r.officeNumber}  送信 ${r.envelopes.sent} 件  受信 ${r.envelopes.received} 件  ${r.rows.length} 行 (ファイルごと)`,
    ...(envelopes.size > 0
      ? [
          `  警告: 受付証明または受領証明を検証できない封筒が ${envelopes.size} 件あります: ${[...envelopes].join(', ')}`,
        ]
      : []),
  ].join('\n');
}

export function formatStatus(item: EnvelopeItem): string {
  return [
    `${item.envelopeId}  ${item.status}`,
    `  ${item.sender.officeNumber}/${item.sender.serviceType} → ${item.recipient.officeNumber}/${item.recipient.serviceType}  ${item.kind} ${item.targetMonth} 連番 ${item.fileSequence}`,
    ...(item.timeline ?? []).map(
      (s) => `  ${s.step.padEnd(10)} ${s.at}${s.by ? `  by ${s.by}` : ''}${proofOf(s.proof)}`,
    ),
  ].join('\n');
}

const STEP_VERDICT: Record<string, string> = { accepted: '受領 (accepted)', rejected: '受領拒否 (rejected)' };

/** the step's proof in one line: the receipt's verdict, reasons and digest, or the digest the step vouches for */
function proofOf(proof: Record<string, unknown> | undefined): string {
  if (!proof) return '';
  if (typeof proof['receiptSha256'] === 'string') {
    const verdict = STEP_VERDICT[String(proof['verdict'])] ?? String(proof['verdict']);
    const reasons =
      Array.isArray(proof['reasonCodes']) && proof['reasonCodes'].length > 0
        ? `  理由 ${proof['reasonCodes'].join(', ')}`
        : '';
    return `  ${verdict}${reasons}  受領証明 sha256 ${proof['receiptSha256']}`;
  }
  if (typeof proof['acceptanceReceipt'] === 'string')
    return `  manifest sha256 ${String(proof['manifestSha256'])}`;
  if (typeof proof['objectSha256'] === 'string') return `  object sha256 ${proof['objectSha256']}`;
  return '';
}

const EXPIRY_LABEL: Record<LocalCertificateExpiry['expiry'], string> = {
  ok: '有効',
  expiring: '期限間近',
  expired: '期限切れ',
};

export function formatOfficeStatus(r: OfficeStatusResult): string {
  const c = r.certificate;
  const lines = [
    `事業所番号 ${r.officeNumber}  サービス種類 ${r.serviceTypes.join(', ')}`,
    `  プロファイル ${r.profile} (${r.home})`,
    `  電子証明書 (この端末): 有効期限 ${c.notAfter}  残り ${c.daysLeft} 日  ${EXPIRY_LABEL[c.expiry]} (${c.expiry})`,
    ...(c.message
      ? [
          `  警告: ${c.message}`,
          '    新しい証明書 (.p12) は `renkei init --force --p12 FILE` で取り込むと事業所ディレクトリにも登録されます',
        ]
      : []),
  ];
  const p = r.platform;
  switch (p.state) {
    case 'ok': {
      const o = p.office;
      lines.push(
        `  プラットフォーム ${r.platformUrl}: 登録済み (version ${o.version}, status ${o.status})`,
        `    登録されている証明書: 有効期限 ${o.certificate.notAfter}  残り ${o.certificate.daysLeft} 日  ${EXPIRY_LABEL[o.certificate.expiry]} (${o.certificate.expiry})`,
      );
      if (o.certificate.warning) {
        const point = o.certificate.warning.point;
        lines.push(
          `    最後の警告 ${o.certificate.warning.raisedAt} (${point === 0 ? '期限切れ' : `期限の${point}日前`})`,
        );
      }
      if (o.certificate.nextWarningAt) lines.push(`    次の警告 ${o.certificate.nextWarningAt}`);
      if (!p.sameCertificate) {
        lines.push(
          '    警告: 登録されている証明書がこの端末の証明書と異なります (the platform holds another certificate)',
        );
      }
      break;
    }
    case 'offline':
      lines.push('  プラットフォーム: 確認していません (--offline)');
      break;
    case 'unreachable':
    case 'refused':
      lines.push(`  プラットフォーム ${r.platformUrl}: 確認できません [${p.error.code}] ${p.error.message}`);
      break;
    default: {
      const unknown: never = p;
      throw new Error(`unknown platform view ${JSON.stringify(unknown)}`);
    }
  }
  lines.push(...watchStatusLines(r.watch));
  return lines.join('\n');
}

function watchStatusLines(w: WatchStatus): string[] {
  const title = '  自動送受信 (renkei watch)';
  if (!w.configured) return [`${title}: このプロファイルではまだ使われていません`];
  const o = w.outbox.counts;
  const i = w.inbox.counts;
  const mark = w.inbox.mark;
  const lines = [
    `${title}: ${w.running ? `動作中 (pid ${w.pid})` : '停止中'}${w.staleLockPid === undefined ? '' : ` (前回の watch pid ${w.staleLockPid} は終了しています)`}`,
    `    送信: 封かん待ち ${o.staged} / 送信待ち ${o.sealed} / 保管待ち ${o.sent} / 保管済み ${o.archived} / 拒否 ${o.refused}`,
    `    受信: 取込中 ${i.importing} / 受領証明待ち ${i.imported} / 受領済み ${i.receipted} / 受領拒否 ${i.rejected}` +
      `  処理済みの着信番号 ${mark.since}${mark.updatedAt ? ` (${jstDateTime(mark.updatedAt)} JST)` : ''}`,
  ];
  const { total, units } = w.outbox.waiting;
  if (total > 0) lines.push(`    未送信の送信単位 ${total} 件 (古い順):`);
  for (const u of units) {
    const next = u.nextAttemptAt ? `  次回 ${jstDateTime(u.nextAttemptAt)} JST` : '';
    lines.push(
      `      ${u.key}  ${u.state}  試行 ${u.attempts} 回${next}${u.lastError ? `  [${u.lastError.code}]` : ''}`,
    );
  }
  if (total > units.length) lines.push(`      ほか ${total - units.length} 件`);
  const imports = w.inbox.waiting;
  if (imports.total > 0) lines.push(`    取込が終わっていない受信 ${imports.total} 件:`);
  for (const e of imports.entries)
    lines.push(`      封筒ID ${e.envelopeId}  連番 ${e.fileSequence}  ${e.state}`);
  if (imports.total > imports.entries.length)
    lines.push(`      ほか ${imports.total - imports.entries.length} 件`);
  const failing = w.inbox.failing;
  if (failing) {
    lines.push(
      `    受信に失敗中: ${jstDateTime(failing.failingSince)} JST から、試行 ${failing.attempts} 回、` +
        `次回 ${jstDateTime(failing.nextAttemptAt)} JST  [${failing.lastError.code}]`,
    );
  }
  lines.push(
    ...(w.attention.length === 0
      ? ['    要対応: なし']
      : w.attention.map((a) => `    要対応 [${a.code}] ${a.message}`)),
  );
  return lines;
}

const LICENCE_STATE_LABEL: Record<LicenceState, string> = {
  pending: '申請中',
  active: '有効',
  suspended: '利用停止中',
  expired: '期限切れ',
  cancelled: '解約済み',
};

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** the JST calendar date of an ISO instant (a term starts and ends at 00:00 JST) */
export function jstDate(iso: string): string {
  return new Date(Date.parse(iso) + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** 「有効（2026-12-02〜2027-12-02、自動更新あり）」 */
export function licenceSummary(l: Licence): string {
  const label = LICENCE_STATE_LABEL[l.state] ?? l.state;
  const term = l.termStart && l.termEnd ? `${jstDate(l.termStart)}〜${jstDate(l.termEnd)}、` : '';
  return `${label}（${term}自動更新${l.autoRenew ? 'あり' : 'なし'}）`;
}

function licenceLines(l: Licence): string[] {
  return [
    `  事業所番号 ${l.officeNumber}  サービス種類 ${l.serviceTypes.join(', ')}  状態 ${l.state}  version ${l.version}`,
    ...(l.termEnd ? [`  期間の終わり ${l.termEnd} (この時刻の直前まで有効)`] : []),
    ...(l.reason ? [`  理由: ${l.reason}`] : []),
  ];
}

export function formatRegister(r: RegisterResult): string {
  const head = r.applied
    ? '利用申請が完了しました。'
    : 'この利用申請は受付済みです (the same application was already accepted)。';
  return [`${head}ライセンス: ${licenceSummary(r.licence)}`, ...licenceLines(r.licence)].join('\n');
}

export function formatLicence(l: Licence): string {
  return [`ライセンス: ${licenceSummary(l)}`, ...licenceLines(l)].join('\n');
}

export function formatLicenceRenew(l: Licence): string {
  return [`ライセンスの更新手続きが完了しました。ライセンス: ${licenceSummary(l)}`, ...licenceLines(l)].join(
    '\n',
  );
}

export function formatLicenceCancel(l: Licence): string {
  return [`ライセンスを解約しました。ライセンス: ${licenceSummary(l)}`, ...licenceLines(l)].join('\n');
}

export function formatApiListening(l: ApiListening): string {
  return [
    `ローカル API を起動しました: ${l.url} (プロファイル ${l.profile})`,
    `  トークン: ${l.tokenFile}${l.tokenCreated ? ' (新しく作成しました)' : ''}`,
    '  呼び出しには Authorization: Bearer <このファイルの内容> が必要です。仕様: GET /openapi.json',
    '  停止するには Ctrl-C を押してください',
  ].join('\n');
}

/** one log line of `renkei api`: English text, or a JSON object with --json */
export function formatApiLogLine(entry: ApiLogEntry, json: boolean): string {
  const at = new Date().toISOString();
  if (json) return JSON.stringify({ at, ...entry });
  const ms = typeof entry['ms'] === 'number' ? ` ${entry['ms']}ms` : '';
  return `${at} ${entry.level.toUpperCase()} ${entry.message}${ms}`;
}

export function formatApiStopped(r: ApiCommandResult): string {
  return `ローカル API を停止しました (${r.reason})`;
}

export function formatDemo(r: DemoResult): string {
  return [
    r.ok
      ? 'デモ成功: 送信したファイルと受信したファイルが一致しました'
      : 'デモ失敗: 確認できない項目があります',
    `  送信元 A ${r.sender.officeNumber}/${r.sender.serviceType}  →  宛先 B ${r.recipient.officeNumber}/${r.recipient.serviceType}`,
    `  封筒 ${r.envelopeId}  状態 ${r.status}`,
    ...r.files.map((f) => `  ${f.identical ? '一致' : '不一致'}  ${f.name} (${f.size} bytes)`),
    '  経過 (timeline):',
    ...r.timeline.map(
      (s) =>
        `    ${s.step.padEnd(10)} ${s.at}${s.sincePreviousMs === null ? '' : `  (+${s.sincePreviousMs} ms)`}`,
    ),
    ...(r.workDir ? [`  作業ディレクトリ (kept): ${r.workDir}`] : []),
  ].join('\n');
}

export function formatError(error: AgentError): string {
  const lines = [`エラー: ${error.message}`];
  const details = error.details as { problems?: SendProblem[]; warnings?: SendProblem[] } | undefined;
  if (details?.problems) lines.push(...details.problems.map(formatProblem));
  if (details?.warnings) lines.push(...details.warnings.map(formatProblem));
  return lines.join('\n');
}

export function formatWatch(r: WatchResult): string {
  return [
    `renkei watch を終了しました (profile ${r.profile})`,
    `  送信 ${r.sent} 件 / 保管 ${r.archived} 件 / 送信不可 ${r.rejected} 件`,
    `  取込 ${r.imported} 件 / 受領証明 ${r.receipted} 件`,
    `  未送信 ${r.pendingOutbox} 件 / 未取込 ${r.pendingInbox} 件`,
    ...(r.waitingOn ? [`  再試行待ち (waiting on): ${r.waitingOn}`] : []),
  ].join('\n');
}
