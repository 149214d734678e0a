// Office A (居宅介護支援 43) sends a 予定 unit to office B (訪問介護 11) through the whole platform, in both modes:
// standalone (one process on embedded defaults) and cluster (each service its own process on the real
// PostgreSQL, Kafka and MinIO). The offices act through the agent CLI (`renkei`), as a care office would: each
// publishes its certificate (`init`) and applies for its licence (`register`; intake and delivery serve only
// offices with a live licence); the refusal cases craft hostile envelopes and requests directly.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { parseEnvelope, parseReceipt } from '@renkei/envelope';
import {
  AGENT_KEY_PASSPHRASE,
  AgentCli,
  planUnit,
  PlatformUnderTest,
  type AgentOffice,
  sealPlanUnit,
  startClusterPlatform,
  startStandalonePlatform,
  waitUntilLicensed,
} from '@renkei/harness';
import { DEV_CA_CERTIFICATE_FILE, DEV_CA_KEY_FILE } from '@renkei/pki';
import { platformServices } from '@renkei/standalone';
import {
  authenticate,
  createDevCa,
  DevCredential,
  issueOfficeCertificate,
  readInfraEnv,
} from '@renkei/testing';

const run = promisify(execFile);

/** each office's key is kept encrypted under this passphrase (given as RENKEI_KEY_PASSPHRASE, never prompted) */
const KEY_PASSPHRASE = AGENT_KEY_PASSPHRASE;
// tokens live 5 s with no skew, so the expired-token case needs no clock tricks; the agent re-authenticates
const TOKEN_ENV = { TOKEN_LIFETIME_SECONDS: '5', AUTH_CLOCK_SKEW_SECONDS: '0' };

const A = { officeNumber: '1310000011', serviceType: '43' };
const B = { officeNumber: '1310000029', serviceType: '11' };
const C = { officeNumber: '1310000037', serviceType: '43' };
/** D applies for a licence in its own test; E never does */
const D = { officeNumber: '1310000045', serviceType: '11' };
const E = { officeNumber: '1310000052', serviceType: '11' };

type Office = AgentOffice;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe.each(['standalone', 'cluster'] as const)('exchange (%s)', (mode) => {
  let platform: PlatformUnderTest;
  let work: string;
  let a: Office;
  let b: Office;
  let c: Office;
  let e: Office;
  let cli: AgentCli;

  const runRenkei = (office: Office | undefined, args: string[], extraEnv: Record<string, string> = {}) =>
    cli.run(office, args, extraEnv);
  const renkei = (office: Office | undefined, args: string[]) => cli.json(office, args);

  /** runs a `renkei` command that must fail: its exit code and its JSON error */
  async function renkeiFails(
    office: Office,
    args: string[],
  ): Promise<{ exitCode: number; error: { code: string; message: string } }> {
    const { exitCode, stdout } = await runRenkei(office, args);
    expect(exitCode).not.toBe(0);
    return { exitCode, ...(JSON.parse(stdout) as { error: { code: string; message: string } }) };
  }

  const office = (party: Office['party']): Promise<Office> =>
    cli.enrol(platform.devCa, party, { keyType: party.serviceType === '43' ? 'rsa' : 'ec', register: false });

  async function call(
    service: keyof PlatformUnderTest['urls'],
    method: string,
    route: string,
    options: { token?: string; body?: Uint8Array; contentType?: string } = {},
  ): Promise<Answer> {
    const response = await fetch(`${platform.urls[service]}${route}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.contentType ? { 'content-type': options.contentType } : {}),
      },
      body: options.body,
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : { raw: text } };
  }

  const tokenOf = (who: Office): Promise<string> => authenticate(platform.urls.certificate, who.credential);

  async function sealUnit(
    from: Office,
    to: Office,
    overrides: { signer?: DevCredential; envelopeId?: string; seed?: number } = {},
  ): Promise<{ der: Uint8Array; envelopeId: string }> {
    const sealed = await sealPlanUnit({
      sender: from.party,
      recipient: to.party,
      seed: overrides.seed ?? 11,
      sequence: '20261124093000',
      signer: overrides.signer ?? from.credential,
      recipientCertificate: to.credential.certificate,
      envelopeId: overrides.envelopeId,
    });
    return { der: sealed.der, envelopeId: sealed.manifest.envelopeId };
  }

  async function stored(): Promise<{ envelopes: number; objects: number }> {
    const client = new Client({ connectionString: platform.databaseUrl });
    await client.connect();
    try {
      // outbox rows are deleted once published, so an acceptance shows as its envelope row and its object
      const envelopes = await client.query<{ n: string }>('select count(*) as n from intake.envelope');
      return { envelopes: Number(envelopes.rows[0].n), objects: (await platform.storedObjectKeys()).length };
    } finally {
      await client.end();
    }
  }

  async function refused(
    who: Office,
    der: Uint8Array,
    expected: { status: number; code: string },
    token?: string,
  ): Promise<void> {
    const before = await stored();
    const answer = await call('intake', 'POST', '/v1/envelopes', {
      token: token ?? (await tokenOf(who)),
      body: der,
      contentType: 'application/cms',
    });
    expect({ status: answer.status, code: answer.body['code'] }).toEqual(expected);
    expect(await stored()).toEqual(before);
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), `renkei-e2e-${mode}-`));
    platform =
      mode === 'standalone'
        ? await startStandalonePlatform({ env: TOKEN_ENV })
        : await startClusterPlatform({
            infra: readInfraEnv(),
            definitions: platformServices,
            env: TOKEN_ENV,
          });
    cli = new AgentCli({ cwd: work, platformEnv: platform.agentEnv });
    a = await office(A);
    b = await office(B);
    c = await office(C);
    e = await office(E);
    // 利用申請 as an office makes it (signed, approved at once); the refusal cases below post directly, so they
    // wait for intake's and delivery's read models to hold the licences (the agent's send waits by itself)
    for (const licensed of [a, b, c]) {
      expect(await renkei(licensed, ['register'])).toMatchObject({ state: 'active' });
    }
    await waitUntilLicensed(platform, [A.officeNumber, B.officeNumber, C.officeNumber]);
  });

  afterAll(async () => {
    await platform?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('delivers a 予定 unit byte-identical through the agent, shows the timeline, and stores only ciphertext', async () => {
    const unit = planUnit({ seed: 2026, sender: A, recipient: B, users: 3 });
    const outbox = path.join(work, 'export-a');
    await mkdir(outbox, { recursive: true });
    for (const file of unit.files) await writeFile(path.join(outbox, file.fileName), file.bytes);

    const sent = await renkei(a, ['send', '--dir', outbox]);
    const envelopeId = JSON.stringify(sent).match(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
    )?.[0];
    expect(envelopeId).toBeDefined();

    let inbox: Record<string, unknown> = {};
    for (let i = 0; i < 60 && !JSON.stringify(inbox).includes(envelopeId as string); i++) {
      inbox = await renkei(b, ['inbox']);
      if (!JSON.stringify(inbox).includes(envelopeId as string)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(JSON.stringify(inbox)).toContain(envelopeId);
    const importDir = path.join(work, 'import-b');
    await renkei(b, ['fetch', envelopeId as string, '--out', importDir]);
    expect((await readdir(importDir)).sort()).toEqual(unit.files.map((f) => f.fileName).sort());
    for (const file of unit.files) {
      expect(Buffer.compare(await readFile(path.join(importDir, file.fileName)), file.bytes)).toBe(0);
    }

    // the sender sees accepted → available → downloaded → receipted, each with its time and its proof
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 40 && status['status'] !== 'receipted'; i++) {
      status = await renkei(a, ['status', envelopeId as string]);
      if (status['status'] !== 'receipted') await new Promise((r) => setTimeout(r, 250));
    }
    const timeline = status['timeline'] as { step: string; at: string; proof: Record<string, unknown> }[];
    expect(timeline.map((step) => step.step)).toEqual(['accepted', 'available', 'downloaded', 'receipted']);
    for (const step of timeline) expect(Number.isNaN(Date.parse(step.at))).toBe(false);
    // the home holds one profile per office, named by its office number
    const acceptanceFile = path.join(
      a.home,
      'profiles',
      a.party.officeNumber,
      'receipts',
      `${envelopeId}.acceptance.der`,
    );
    const acceptance = await readFile(acceptanceFile);
    // the key is encrypted at rest; without its passphrase (and no terminal to ask at) the agent refuses, exit 2
    const keyPem = await readFile(path.join(path.dirname(path.dirname(acceptanceFile)), 'key.pem'), 'utf8');
    expect(keyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const locked = await runRenkei(a, ['status', envelopeId as string], {
      RENKEI_KEY_PASSPHRASE: '',
      RENKEI_SECRET_STORE: 'none',
    });
    expect(locked.exitCode).toBe(2);
    expect(JSON.parse(locked.stdout)).toMatchObject({ error: { code: 'KEY_PASSPHRASE_REQUIRED' } });
    expect(locked.stdout + locked.stderr).not.toContain(KEY_PASSPHRASE);
    expect(timeline[0].proof).toEqual({
      manifestSha256: parseReceipt(acceptance).body.manifestSha256,
      acceptanceReceipt: `/v1/envelopes/${envelopeId}/acceptance-receipt`,
    });
    expect(timeline[3].proof).toMatchObject({ verdict: 'accepted', reasonCodes: [] });
    const caFile = path.join(work, 'dev-ca.pem');
    await writeFile(caFile, platform.devCa.certificatePem);
    const tokenA = await tokenOf(a);
    const served = async (service: 'intake' | 'delivery', route: string): Promise<Buffer> => {
      const response = await fetch(`${platform.urls[service]}${route}`, {
        headers: { authorization: `Bearer ${tokenA}` },
      });
      expect(response.status).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    };
    // the proofs are the receipts the parties keep and the platform serves, each verifiable with openssl
    expect(
      (await served('intake', timeline[0].proof['acceptanceReceipt'] as string)).equals(acceptance),
    ).toBe(true);
    const recipientReceipt = await served('delivery', timeline[3].proof['receipt'] as string);
    expect(createHash('sha256').update(recipientReceipt).digest('hex')).toBe(
      timeline[3].proof['receiptSha256'],
    );
    const recipientFile = path.join(work, `${envelopeId}.recipient.der`);
    await writeFile(recipientFile, recipientReceipt);
    for (const file of [acceptanceFile, recipientFile]) {
      const { stdout } = await run('openssl', [
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        file,
        '-CAfile',
        caFile,
        '-purpose',
        'any',
      ]);
      expect(JSON.parse(stdout)).toMatchObject({ envelopeId });
    }
    expect(parseReceipt(recipientReceipt).body).toMatchObject({
      type: 'recipient',
      verdict: 'accepted',
      recipient: B,
      sender: A,
    });

    // a plaintext marker (a stretch of each file, and a decoded name) appears in no object and no row
    const markers = unit.files.map((file) => file.bytes.subarray(40, 72));
    const objects = await platform.storedObjects();
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      for (const marker of markers) expect(object.bytes.includes(marker)).toBe(false);
    }
    const names = unit.files
      .flatMap((file) => file.rows.flat())
      .filter((value) => /[^ -~]{3,}/u.test(value))
      .slice(0, 5);
    expect(names.length).toBeGreaterThan(0);
    const client = new Client({ connectionString: platform.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ table_schema: string; table_name: string }>(
        `select table_schema, table_name from information_schema.tables
          where table_schema in ('registry','certificate','intake','storage','delivery','billing')
            and table_type = 'BASE TABLE'`,
      );
      for (const { table_schema: schema, table_name: table } of tables.rows) {
        const rows = await client.query<{ row: string }>(
          `select t::text as row from "${schema}"."${table}" t`,
        );
        for (const { row } of rows.rows) {
          for (const name of names) expect(row.includes(name)).toBe(false);
          for (const marker of markers) expect(row.includes(marker.toString('hex'))).toBe(false);
        }
      }
    } finally {
      await client.end();
    }
  });

  it('runs `renkei demo` to the end: files identical, timeline accepted → available → downloaded → receipted', async () => {
    // the demo issues its two offices from a dev CA directory, as standalone keeps it in ./.renkei/dev-ca
    const caDir = path.join(work, 'demo-ca');
    await mkdir(caDir, { recursive: true });
    await writeFile(path.join(caDir, DEV_CA_CERTIFICATE_FILE), platform.devCa.certificatePem);
    await writeFile(path.join(caDir, DEV_CA_KEY_FILE), platform.devCa.privateKeyPem, { mode: 0o600 });

    // no passphrase given: the demo encrypts its offices' keys under one it generates and keeps in memory
    const demoRun = await runRenkei(undefined, ['demo', '--ca-dir', caDir], { RENKEI_KEY_PASSPHRASE: '' });
    expect({ exitCode: demoRun.exitCode, stderr: demoRun.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const demo = JSON.parse(demoRun.stdout) as Record<string, unknown>;

    expect(demo).toMatchObject({ ok: true, status: 'receipted' });
    expect((demo['files'] as { identical: boolean }[]).every((file) => file.identical)).toBe(true);
    expect((demo['timeline'] as { step: string }[]).map((step) => step.step)).toEqual([
      'accepted',
      'available',
      'downloaded',
      'receipted',
    ]);
  });

  it('applies for a licence with `renkei register` (signed 利用申請), shows it with `renkei licence`, and loses the inbox once cancelled', async () => {
    const d = await office(D);
    const applied = await renkei(d, ['register']);

    expect(applied).toMatchObject({ officeNumber: D.officeNumber, state: 'active', autoRenew: true });
    expect(await renkei(d, ['licence'])).toMatchObject({ officeNumber: D.officeNumber, state: 'active' });
    await waitUntilLicensed(platform, [D.officeNumber]);
    expect(await renkei(d, ['inbox'])).toMatchObject({ items: [] });

    expect(await renkei(d, ['licence', 'cancel', '--reason', 'e2e'])).toMatchObject({ state: 'cancelled' });
    // delivery learns of the cancellation from registry.licence.changed.v1
    let inbox: Answer = { status: 0, body: {} };
    const token = await tokenOf(d);
    for (let i = 0; i < 40 && inbox.status !== 403; i++) {
      inbox = await call('delivery', 'GET', '/v1/inbox', { token });
      if (inbox.status !== 403) await new Promise((r) => setTimeout(r, 250));
    }
    expect({ status: inbox.status, code: inbox.body['code'] }).toEqual({
      status: 403,
      code: 'LICENCE_NOT_LIVE',
    });
  });

  it('refuses an office without a licence: as sender, as recipient (storing nothing) and at the inbox', async () => {
    const toE = await sealUnit(a, e, { seed: 21 });
    await refused(a, toE.der, { status: 422, code: 'RECIPIENT_LICENCE_NOT_LIVE' });
    const fromE = await sealPlanUnit({
      sender: E,
      recipient: A,
      seed: 22,
      sequence: '20261124093000',
      signer: e.credential,
      recipientCertificate: a.credential.certificate,
    });
    await refused(e, fromE.der, { status: 403, code: 'SENDER_LICENCE_NOT_LIVE' });

    const inbox = await renkeiFails(e, ['inbox']);
    expect(inbox).toMatchObject({ exitCode: 4, error: { code: 'LICENCE_NOT_LIVE' } });
    expect(inbox.error.message).toMatch(/^この事業所には有効な利用ライセンスがないため/);
  });

  it('refuses tampered ciphertext and a tampered manifest (SIGNATURE_INVALID), storing nothing', async () => {
    const { der } = await sealUnit(a, b);
    const parsed = parseEnvelope(der);
    const content = Buffer.from(der).indexOf(Buffer.from(parsed.content));
    const tamperedContent = Buffer.from(der);
    tamperedContent[content + parsed.content.length - 20] ^= 0x01;
    await refused(a, tamperedContent, { status: 422, code: 'SIGNATURE_INVALID' });

    const manifestAt = Buffer.from(der).indexOf(Buffer.from(parsed.manifestBytes));
    const tamperedManifest = Buffer.from(der);
    const month = Buffer.from(parsed.manifestBytes).indexOf(Buffer.from('"targetMonth":"202612"'));
    tamperedManifest[manifestAt + month + '"targetMonth":"20261'.length] = '1'.charCodeAt(0);
    await refused(a, tamperedManifest, { status: 422, code: 'SIGNATURE_INVALID' });
  });

  it('refuses a wrong signer (SENDER_MISMATCH) and a signer from an unknown CA (CERTIFICATE_UNTRUSTED)', async () => {
    const signedByC = await sealUnit(a, b, { signer: c.credential });
    await refused(a, signedByC.der, { status: 403, code: 'SENDER_MISMATCH' });

    const stranger = issueOfficeCertificate(createDevCa(), {
      officeNumber: A.officeNumber,
      serviceTypes: [A.serviceType],
      keyType: 'ec',
    });
    const signedByStranger = await sealUnit(a, b, { signer: stranger });
    await refused(a, signedByStranger.der, { status: 422, code: 'CERTIFICATE_UNTRUSTED' });
  });

  it('refuses a replayed envelope id (ENVELOPE_DUPLICATE, ENVELOPE_ID_CONFLICT), storing nothing more', async () => {
    const first = await sealUnit(a, b, { seed: 5 });
    const accepted = await call('intake', 'POST', '/v1/envelopes', {
      token: await tokenOf(a),
      body: first.der,
      contentType: 'application/cms',
    });
    expect(accepted).toMatchObject({
      status: 202,
      body: { envelopeId: first.envelopeId, status: 'accepted' },
    });

    await refused(a, first.der, { status: 409, code: 'ENVELOPE_DUPLICATE' });
    const other = await sealUnit(a, b, { seed: 6, envelopeId: first.envelopeId });
    await refused(a, other.der, { status: 409, code: 'ENVELOPE_ID_CONFLICT' });
  });

  it("refuses another office's fetch (ENVELOPE_NOT_FOUND) and an expired token (AUTH_TOKEN_EXPIRED)", async () => {
    const sent = await sealUnit(a, b, { seed: 9 });
    const token = await tokenOf(a);
    expect(
      (
        await call('intake', 'POST', '/v1/envelopes', {
          token,
          body: sent.der,
          contentType: 'application/cms',
        })
      ).status,
    ).toBe(202);
    const route = `/v1/envelopes/${sent.envelopeId}/content`;
    let recipient: Answer = { status: 0, body: {} };
    for (let i = 0; i < 40 && recipient.status !== 200; i++) {
      recipient = await call('storage', 'HEAD', route, { token: await tokenOf(b) });
      if (recipient.status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(recipient.status).toBe(200);

    const stranger = await call('storage', 'GET', route, { token: await tokenOf(c) });
    expect({ status: stranger.status, code: stranger.body['code'] }).toEqual({
      status: 404,
      code: 'ENVELOPE_NOT_FOUND',
    });
    const strangerStatus = await call('delivery', 'GET', `/v1/envelopes/${sent.envelopeId}`, {
      token: await tokenOf(c),
    });
    expect(strangerStatus.status).toBe(404);

    await new Promise((r) => setTimeout(r, 6500));
    const late = await sealUnit(a, b, { seed: 10 });
    await refused(a, late.der, { status: 401, code: 'AUTH_TOKEN_EXPIRED' }, token);
    const expiredFetch = await call('storage', 'GET', route, { token });
    expect({ status: expiredFetch.status, code: expiredFetch.body['code'] }).toEqual({
      status: 401,
      code: 'AUTH_TOKEN_EXPIRED',
    });
  });
});
