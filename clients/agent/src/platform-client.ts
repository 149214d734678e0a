// The agent's HTTP client for the platform API (docs/exchange.md, docs/auth.md): challenge → token, cached
// until shortly before it expires and renewed once on a 401; platform errors become AgentErrors carrying the
// platform's code; a platform that cannot be reached is exit 5.
import { KeyObject } from 'node:crypto';
import { signChallenge } from '@renkei/envelope';
import { AgentError, AgentErrorCode, ExitCode, exitCodeForStatus } from './agent.errors';

export type PlatformService = 'certificate' | 'registry' | 'intake' | 'storage' | 'delivery';

export type PlatformEndpoints = Record<PlatformService, string>;

export const DEFAULT_PLATFORM_URL = 'http://127.0.0.1:8080';

const ENDPOINT_ENV: Record<PlatformService, string> = {
  certificate: 'RENKEI_CERTIFICATE_URL',
  registry: 'RENKEI_REGISTRY_URL',
  intake: 'RENKEI_INTAKE_URL',
  storage: 'RENKEI_STORAGE_URL',
  delivery: 'RENKEI_DELIVERY_URL',
};

/** Every service on the platform URL (standalone), unless RENKEI_<SERVICE>_URL says otherwise (cluster). */
export function resolveEndpoints(
  platformUrl: string,
  env: NodeJS.ProcessEnv = process.env,
): PlatformEndpoints {
  const base = trimSlash(platformUrl);
  const entries = (Object.keys(ENDPOINT_ENV) as PlatformService[]).map((service) => [
    service,
    trimSlash(env[ENDPOINT_ENV[service]] || base),
  ]);
  return Object.fromEntries(entries) as PlatformEndpoints;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** The office credential the client authenticates with. Certificates are DER. */
export interface ClientCredential {
  certificate: Uint8Array;
  privateKey: KeyObject;
  chain?: readonly Uint8Array[];
}

export interface PlatformClientOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  /** renew the token this long before it expires */
  tokenMarginMs?: number;
}

export interface PublishedOffice {
  officeNumber: string;
  serviceTypes: string[];
  status: string;
  certificatePem: string;
  certificateSha256: string;
  version: number;
}

export interface RegisteredOffice {
  officeNumber: string;
  serviceTypes: string[];
  status: string;
  certificateSha256: string;
  version: number;
  registeredAt: string;
  updatedAt: string;
}

/** GET /v1/offices/me: the office's own record and where its published certificate stands */
export interface OwnOffice extends RegisteredOffice {
  certificate: {
    notAfter: string;
    daysLeft: number;
    expiry: 'ok' | 'expiring' | 'expired';
    /** the last expiry warning the platform raised (point: days before notAfter, 0 = expired) */
    warning: { raisedAt: string; point: number } | null;
    nextWarningAt: string | null;
  };
  message: string | null;
}

export interface AcceptedEnvelope {
  envelopeId: string;
  status: string;
  acceptedAt?: string;
  manifestSha256?: string;
  objectSha256?: string;
  objectSize?: number;
  /** base64 DER of the platform's signed acceptance receipt */
  receipt?: string;
}

/** what delivery answers to a recipient receipt */
export interface RecordedReceipt {
  envelopeId: string;
  verdict: 'accepted' | 'rejected';
  reasonCodes: string[];
  receiptSha256: string;
  receivedAt: string;
  recordedAt: string;
}

export interface EnvelopeParty {
  officeNumber: string;
  serviceType: string;
}

export interface TimelineStep {
  step: 'accepted' | 'available' | 'downloaded' | 'receipted' | 'rejected';
  at: string;
  by?: string;
  /** digests and receipt links behind the step (docs/exchange.md "Receipts") */
  proof?: Record<string, unknown>;
}

export interface EnvelopeItem {
  envelopeId: string;
  sender: EnvelopeParty;
  recipient: EnvelopeParty;
  kind: string;
  targetMonth: string;
  fileSequence: string;
  files: { name: string; mediaType: string; size: number; sha256: string }[];
  objectSize: number;
  status: string;
  acceptedAt: string | null;
  availableAt: string | null;
  downloadedAt: string | null;
  /** when delivery recorded the recipient's receipt (receipted or rejected) */
  receiptedAt?: string | null;
  /** the envelope's number in the recipient's inbox (arrival order); null to the sender */
  inboxSeq?: number | null;
  timeline?: TimelineStep[];
}

export type InboxStatus = 'available' | 'downloaded' | 'all';

export type LicenceState = 'pending' | 'active' | 'suspended' | 'expired' | 'cancelled';

/** A licence (利用ライセンス) as registry shows it (docs/licences.md) */
export interface Licence {
  licenceId: string;
  officeNumber: string;
  prefecture: string;
  serviceTypes: string[];
  state: LicenceState;
  /** 00:00 JST of the activation day (ISO, UTC); null until first activated */
  termStart: string | null;
  /** exclusive end of the term (ISO, UTC); null until first activated */
  termEnd: string | null;
  autoRenew: boolean;
  reason: string;
  version: number;
  appliedAt: string;
  updatedAt: string;
}

/** POST /v1/licences/applications: 201 when this application opened the licence, 200 for a retry of it */
export interface LicenceApplicationAnswer {
  applied: boolean;
  licence: Licence;
}

interface RequestOptions {
  json?: unknown;
  body?: Uint8Array;
  contentType?: string;
  /** public routes (health, challenge, token) carry no token */
  anonymous?: boolean;
}

interface PlatformErrorBody {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

export class PlatformClient {
  private token: { value: string; renewAt: number } | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => Date;
  private readonly tokenMarginMs: number;

  constructor(
    readonly endpoints: PlatformEndpoints,
    private readonly credential: ClientCredential | undefined,
    options: PlatformClientOptions = {},
  ) {
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? (() => new Date());
    this.tokenMarginMs = options.tokenMarginMs ?? 60_000;
  }

  /** GET /health/live on the certificate endpoint: throws PLATFORM_UNREACHABLE when nothing answers. */
  async ping(): Promise<void> {
    await this.send('certificate', 'GET', '/health/live', { anonymous: true });
  }

  publishCertificate(certificatePem: string): Promise<RegisteredOffice> {
    return this.json('registry', 'PUT', '/v1/offices/me', { json: { certificatePem } });
  }

  getOwnOffice(): Promise<OwnOffice> {
    return this.json('registry', 'GET', '/v1/offices/me');
  }

  getOffice(officeNumber: string): Promise<PublishedOffice> {
    return this.json('registry', 'GET', `/v1/offices/${encodeURIComponent(officeNumber)}`);
  }

  postEnvelope(der: Uint8Array): Promise<AcceptedEnvelope> {
    return this.json('intake', 'POST', '/v1/envelopes', { body: der, contentType: 'application/cms' });
  }

  /** the platform's acceptance receipt (DER), kept by intake */
  async getAcceptanceReceipt(envelopeId: string): Promise<Uint8Array> {
    const response = await this.send(
      'intake',
      'GET',
      `/v1/envelopes/${encodeURIComponent(envelopeId)}/acceptance-receipt`,
    );
    return new Uint8Array(await response.arrayBuffer());
  }

  /** the recipient's signed receipt (DER) to delivery */
  postReceipt(envelopeId: string, der: Uint8Array): Promise<RecordedReceipt> {
    return this.json('delivery', 'POST', `/v1/envelopes/${encodeURIComponent(envelopeId)}/receipt`, {
      body: der,
      contentType: 'application/cms',
    });
  }

  async listInbox(status: InboxStatus): Promise<EnvelopeItem[]> {
    const items: EnvelopeItem[] = [];
    let after: string | null = null;
    do {
      const query = new URLSearchParams({ status, limit: '100', ...(after ? { after } : {}) });
      const page: { items: EnvelopeItem[]; next: string | null } = await this.json(
        'delivery',
        'GET',
        `/v1/inbox?${query.toString()}`,
      );
      items.push(...page.items);
      after = page.next;
    } while (after);
    return items;
  }

  /**
   * GET /v1/inbox?since=, every page: the arrivals numbered above `since`, in number order; `last` is the
   * highest number seen (`since` when none)
   */
  async listInboxSince(since: number): Promise<{ items: EnvelopeItem[]; last: number }> {
    const items: EnvelopeItem[] = [];
    let last = since;
    let next: number | null = since;
    while (next !== null) {
      const query = new URLSearchParams({ since: String(next), limit: '100' });
      const page: { items: EnvelopeItem[]; next: number | null } = await this.json(
        'delivery',
        'GET',
        `/v1/inbox?${query.toString()}`,
      );
      for (const item of page.items) {
        // numbers only grow: anything else would make a caller's mark skip arrivals
        if (!Number.isSafeInteger(item.inboxSeq) || (item.inboxSeq as number) <= last) {
          throw unnumbered(item);
        }
        last = item.inboxSeq as number;
        items.push(item);
      }
      next = page.next ?? null;
      // the following page starts after this one's last number
      if (next !== null && next !== last) throw unnumbered(page.items.at(-1));
    }
    return { items, last };
  }

  /** GET /v1/sent, every page (keyset cursor), oldest acceptance first */
  async listSent(): Promise<EnvelopeItem[]> {
    const items: EnvelopeItem[] = [];
    let after: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '100', ...(after ? { after } : {}) });
      const page: { items: EnvelopeItem[]; next: string | null } = await this.json(
        'delivery',
        'GET',
        `/v1/sent?${query.toString()}`,
      );
      items.push(...page.items);
      after = page.next;
    } while (after);
    return items;
  }

  /** the recipient's signed receipt (DER) as delivery recorded it, to the sender or the recipient */
  async getRecipientReceipt(envelopeId: string): Promise<Uint8Array> {
    const response = await this.send(
      'delivery',
      'GET',
      `/v1/envelopes/${encodeURIComponent(envelopeId)}/receipts/recipient`,
    );
    return new Uint8Array(await response.arrayBuffer());
  }

  /** one keyset page of GET /v1/inbox or GET /v1/sent (`status`, `limit`, `after` passed as given) */
  listPage(
    list: 'inbox' | 'sent',
    query: Readonly<Record<string, string>>,
  ): Promise<{ items: EnvelopeItem[]; next: string | null }> {
    const search = new URLSearchParams(query).toString();
    return this.json('delivery', 'GET', `/v1/${list}${search ? `?${search}` : ''}`);
  }

  getEnvelope(envelopeId: string): Promise<EnvelopeItem> {
    return this.json('delivery', 'GET', `/v1/envelopes/${encodeURIComponent(envelopeId)}`);
  }

  async downloadContent(envelopeId: string): Promise<Uint8Array> {
    const response = await this.send(
      'storage',
      'GET',
      `/v1/envelopes/${encodeURIComponent(envelopeId)}/content`,
    );
    return new Uint8Array(await response.arrayBuffer());
  }

  /** 利用申請: the DER of the signed application (signJson) */
  async applyForLicence(der: Uint8Array): Promise<LicenceApplicationAnswer> {
    const response = await this.send('registry', 'POST', '/v1/licences/applications', {
      body: der,
      contentType: 'application/cms',
    });
    return { applied: response.status === 201, licence: (await response.json()) as Licence };
  }

  getOwnLicence(): Promise<Licence> {
    return this.json('registry', 'GET', '/v1/licences/me');
  }

  renewLicence(autoRenew: boolean): Promise<Licence> {
    return this.json('registry', 'POST', '/v1/licences/me/renewal', { json: { autoRenew } });
  }

  cancelLicence(reason: string): Promise<Licence> {
    return this.json('registry', 'POST', '/v1/licences/me/cancel', { json: { reason } });
  }

  /** A valid token, from the cache or from a fresh challenge. */
  async getToken(): Promise<string> {
    if (this.token && this.now().getTime() < this.token.renewAt) return this.token.value;
    if (!this.credential) {
      throw new AgentError(
        AgentErrorCode.PROFILE_NOT_FOUND,
        '事業所の証明書が設定されていません。先に `renkei init` を実行してください (no office credential)',
        ExitCode.NotFound,
      );
    }
    const challenge: { challengeId: string; nonce: string } = await this.json(
      'certificate',
      'POST',
      '/v1/auth/challenges',
      { anonymous: true },
    );
    const signedData = Buffer.from(
      signChallenge(challenge.nonce, {
        certificate: this.credential.certificate,
        privateKey: this.credential.privateKey,
        chain: this.credential.chain,
      }),
    ).toString('base64');
    const issued: { token: string; expiresAt: string } = await this.json(
      'certificate',
      'POST',
      '/v1/auth/tokens',
      { anonymous: true, json: { challengeId: challenge.challengeId, signedData } },
    );
    const expiresAt = Date.parse(issued.expiresAt);
    const renewAt = Number.isNaN(expiresAt) ? 0 : expiresAt - this.tokenMarginMs;
    this.token = { value: issued.token, renewAt };
    return issued.token;
  }

  private async json<T>(
    service: PlatformService,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const response = await this.send(service, method, path, options);
    return (await response.json()) as T;
  }

  private async send(
    service: PlatformService,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Response> {
    let response = await this.attempt(service, method, path, options);
    if (response.status === 401 && !options.anonymous) {
      // the token may have expired or its key rotated: one fresh token, one retry
      this.token = undefined;
      response = await this.attempt(service, method, path, options);
    }
    if (!response.ok) throw await platformError(response, method, path);
    return response;
  }

  private async attempt(
    service: PlatformService,
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/cms' };
    if (!options.anonymous) headers.authorization = `Bearer ${await this.getToken()}`;
    let body: string | Uint8Array | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      body = options.body;
    }
    const url = `${this.endpoints[service]}${path}`;
    try {
      return await this.fetchImpl(url, { method, headers, body });
    } catch (error) {
      throw unreachable(this.endpoints[service], error);
    }
  }
}

/** A connection failure: the platform is down, or the response was lost on the way. */
export function unreachable(url: string, error: unknown): AgentError {
  const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
  return new AgentError(
    AgentErrorCode.PLATFORM_UNREACHABLE,
    `プラットフォームに接続できません (platform unreachable): ${url}${cause ? ` (${cause})` : ''}`,
    ExitCode.Unreachable,
  );
}

/** an inbox page whose numbers do not ascend: a delivery that does not know `since` answers so */
function unnumbered(item: EnvelopeItem | undefined): AgentError {
  return new AgentError(
    AgentErrorCode.PLATFORM_ERROR,
    `受信箱の着信番号が正しくありません (inbox numbers missing or out of order${item ? `: envelope ${item.envelopeId}` : ''})`,
    ExitCode.Unexpected,
  );
}

/**
 * Japanese explanations of the platform's refusals for a licence that is not live (docs/licences.md, Gating);
 * other codes keep the generic message
 */
export const REFUSAL_EXPLANATIONS: Readonly<Record<string, string>> = {
  SENDER_LICENCE_NOT_LIVE:
    'この事業所には有効な利用ライセンスがないため、送信できません。`renkei licence` で状態を確認し、ライセンスがなければ `renkei register` で利用申請してください',
  RECIPIENT_LICENCE_NOT_LIVE:
    '宛先の事業所に有効な利用ライセンスがないため、送信できません。宛先の事業所にライセンスの状態をご確認ください',
  LICENCE_NOT_LIVE:
    'この事業所には有効な利用ライセンスがないため、受信箱・送信一覧・状態の確認と受領通知はできません。`renkei licence` で状態を確認してください',
};

async function platformError(response: Response, method: string, path: string): Promise<AgentError> {
  let body: PlatformErrorBody = {};
  try {
    body = (await response.json()) as PlatformErrorBody;
  } catch {
    // not JSON: keep the status only
  }
  const code = typeof body.code === 'string' ? body.code : AgentErrorCode.PLATFORM_ERROR;
  const message = typeof body.message === 'string' ? body.message : `HTTP ${response.status}`;
  const route = path.split('?')[0];
  const explanation = REFUSAL_EXPLANATIONS[code];
  return new AgentError(
    code,
    explanation
      ? `${explanation} [${code}] (HTTP ${response.status}, ${method} ${route}): ${message}`
      : `プラットフォームが要求を拒否しました (${code}, HTTP ${response.status}, ${method} ${route}): ${message}`,
    exitCodeForStatus(response.status),
    { status: response.status, ...(body.details !== undefined ? { details: body.details } : {}) },
  );
}
