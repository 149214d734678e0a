// `renkei register` (利用申請) and `renkei licence` (status, renew, cancel): the office's own licence in registry
// (docs/licences.md). The application is the canonical JSON {type:'licence-application', …} signed with the
// profile's certificate and key (signJson); a lost answer is retried with the same signed bytes, which registry
// answers with the licence unchanged. Registry's refusals keep their code and exit code and get a Japanese
// explanation first.
import { readOfficeIdentity, signJson } from '@renkei/envelope';
import { AgentContext, openSession } from '../agent.context';
import { AgentError, AgentErrorCode, invalidInput, usageError } from '../agent.errors';
import type { Licence, LicenceApplicationAnswer, PlatformClient } from '../platform-client';

const SERVICE_TYPE = /^[0-9A-Z]{2}$/;
const MAX_SERVICE_TYPES = 50;
export const MAX_CANCEL_REASON_LENGTH = 500;

/** the signed document of a 利用申請, exactly as registry reads it */
export interface LicenceApplicationDocument {
  type: 'licence-application';
  officeNumber: string;
  serviceTypes: string[];
  autoRenew: boolean;
  appliedAt: string;
}

export interface RegisterOptions {
  /** サービス種類コード to apply for; all of the certificate's when absent */
  serviceTypes?: string[];
  autoRenew: boolean;
  /** attempts of the POST when the answer is lost */
  attempts?: number;
  /** injectable for tests */
  now?: Date;
}

export interface RegisterResult extends LicenceApplicationAnswer {
  /** what was signed and sent */
  application: LicenceApplicationDocument;
}

/** Japanese explanations of registry's licence codes (services/registry/src/licences/licences.errors.ts) */
const EXPLANATIONS: Record<string, string> = {
  LICENCE_APPLICATION_SIGNATURE_INVALID:
    '利用申請の署名を検証できませんでした。プロファイルの証明書と秘密鍵を確認してください',
  LICENCE_APPLICATION_NOT_AUTHENTICATED:
    '申請に署名した証明書が、事業所ディレクトリに登録されている証明書と一致しません。`renkei init --force --p12 FILE` で現在の証明書を取り込み直してください',
  LICENCE_APPLICATION_INVALID: '利用申請の内容に誤りがあります',
  LICENCE_APPLICATION_TOO_LARGE: '利用申請が大きすぎます',
  LICENCE_APPLICATION_MEDIA_TYPE: '利用申請の形式 (application/cms) が受け付けられませんでした',
  LICENCE_SERVICE_TYPE_NOT_COVERED: '申請したサービス種類が電子証明書に含まれていません',
  LICENCE_OFFICE_NOT_REGISTERED:
    '事業所が事業所ディレクトリに有効な状態で登録されていないため、利用申請できません。先に `renkei init` で証明書を登録してください',
  LICENCE_ALREADY_ACTIVE: 'ライセンスはすでに有効です。`renkei licence` で内容を確認できます',
  LICENCE_SUSPENDED:
    'ライセンスは利用停止中です。利用申請では停止は解除されません。運用窓口にお問い合わせください',
  LICENCE_TRANSITION_INVALID:
    '現在のライセンスの状態では、この操作はできません。`renkei licence` で状態を確認してください',
  LICENCE_NOT_FOUND: 'ライセンスがありません。`renkei register` で利用申請してください',
  REQUEST_INVALID: '要求の内容に誤りがあります',
};

/** 利用申請: signs the application with the profile's certificate and posts it. */
export async function register(ctx: AgentContext, options: RegisterOptions): Promise<RegisterResult> {
  const { profile, client } = await openSession(ctx);
  const identity = readOfficeIdentity(profile.certificate);
  const officeNumber = identity.officeNumber ?? profile.settings.officeNumber;
  const serviceTypes = options.serviceTypes ?? identity.serviceTypes;
  checkServiceTypes(serviceTypes, identity.serviceTypes);
  const now = options.now ?? new Date();
  const application: LicenceApplicationDocument = {
    type: 'licence-application',
    officeNumber,
    serviceTypes,
    autoRenew: options.autoRenew,
    appliedAt: now.toISOString(),
  };
  const der = signJson(
    application,
    { certificate: profile.certificate, privateKey: profile.privateKey },
    now,
  );
  ctx.progress(`利用申請を送信しています (${officeNumber}, サービス種類 ${serviceTypes.join(', ')})…`);
  const answer = await explained(() => applyWithRetry(client, der, options.attempts ?? 3));
  return { ...answer, application };
}

/** `renkei licence`: GET /v1/licences/me */
export async function licenceStatus(ctx: AgentContext): Promise<Licence> {
  const { client } = await openSession(ctx);
  return explained(() => client.getOwnLicence());
}

/** `renkei licence renew`: a new term for an expired licence, or auto-renewal on/off for an active one */
export async function renewLicence(ctx: AgentContext, options: { autoRenew: boolean }): Promise<Licence> {
  const { client } = await openSession(ctx);
  return explained(() => client.renewLicence(options.autoRenew));
}

/** `renkei licence cancel --reason …`: 解約 (auto-renewal off) */
export async function cancelLicence(ctx: AgentContext, options: { reason: string }): Promise<Licence> {
  const reason = checkCancelReason(options.reason);
  const { client } = await openSession(ctx);
  return explained(() => client.cancelLicence(reason));
}

/** 1 to 500 characters, not only spaces (what registry accepts); a usage error otherwise */
export function checkCancelReason(reason: string | undefined): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed.length === 0) {
    throw usageError('解約の理由を --reason "…" で指定してください (missing --reason)');
  }
  if (trimmed.length > MAX_CANCEL_REASON_LENGTH) {
    throw usageError(
      `解約の理由は${MAX_CANCEL_REASON_LENGTH}文字以内です (--reason is at most ${MAX_CANCEL_REASON_LENGTH} characters)`,
    );
  }
  return trimmed;
}

/** `--service-types 43,46`: distinct 2 × [0-9A-Z] codes; a usage error otherwise */
export function parseServiceTypes(value: string): string[] {
  const codes = value.split(',').map((code) => code.trim());
  const bad = codes.filter((code) => !SERVICE_TYPE.test(code));
  if (codes.length > MAX_SERVICE_TYPES || bad.length > 0) {
    throw usageError(`--service-types はサービス種類コード (2桁) のカンマ区切りです (e.g. 43,46): ${value}`);
  }
  if (new Set(codes).size !== codes.length) {
    throw usageError(`--service-types に同じコードが重複しています (duplicate service type): ${value}`);
  }
  return codes;
}

/** every requested code must be in the certificate, which is what registry checks too */
function checkServiceTypes(requested: string[], certified: string[]): void {
  if (requested.length === 0) {
    throw invalidInput(
      AgentErrorCode.INVALID_INPUT,
      '電子証明書にサービス種類がありません。--service-types を指定できません (the certificate names no service type)',
    );
  }
  const missing = requested.filter((code) => !certified.includes(code));
  if (missing.length > 0) {
    throw invalidInput(
      AgentErrorCode.INVALID_INPUT,
      `サービス種類 ${missing.join(', ')} は電子証明書に含まれていません (証明書: ${certified.join(', ')}) (service type not in the certificate)`,
      { notInCertificate: missing, certificateServiceTypes: certified },
    );
  }
}

/** the same signed bytes again when the answer was lost: registry answers a repeated application with 200 */
async function applyWithRetry(
  client: Pick<PlatformClient, 'applyForLicence'>,
  der: Uint8Array,
  attempts: number,
): Promise<LicenceApplicationAnswer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await client.applyForLicence(der);
    } catch (error) {
      const lost = error instanceof AgentError && error.code === AgentErrorCode.PLATFORM_UNREACHABLE;
      if (!lost || attempt >= attempts) throw error;
    }
  }
}

/** registry's refusal with its code and exit code, explained in Japanese first */
async function explained<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    const explanation = EXPLANATIONS[error.code];
    if (explanation === undefined) throw error;
    const problems = problemsOf(error.details);
    throw new AgentError(
      error.code,
      [`${explanation} [${error.code}]`, ...problems, `  (${error.message})`].join('\n'),
      error.exitCode,
      error.details,
    );
  }
}

/** registry's field problems ({status, details: [{field, problem}]}) as lines */
function problemsOf(details: unknown): string[] {
  const list = (details as { details?: unknown } | undefined)?.details;
  if (!Array.isArray(list)) return [];
  return list
    .filter((p): p is { field: string; problem: string } => typeof p?.field === 'string')
    .map((p) => `  ${p.field}: ${String(p.problem)}`);
}
