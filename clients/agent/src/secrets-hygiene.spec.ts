// The key and its passphrase never leave the process in the clear: every flow below runs through the CLI with a
// known passphrase, and neither it, the .p12 password nor the key (PEM or DER, base64 or hex) appears in any
// output or in any file of the home (the key only encrypted, key.pem) or of the work directory.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvelope, signReceipt } from '@renkei/envelope';
import { exportPkcs12, issuePlatformCertificate } from '@renkei/pki';
import { runCli } from './cli';
import { ExitCode } from './agent.errors';
import { authRoutes, fakeFetch } from './testing/fake-fetch';
import { PLANNER, PROVIDER, setUpOffices, TestOffices } from './testing/offices';

const PASSPHRASE = 'Kagi-no-Passphrase-7Q2x';
const NEW_PASSPHRASE = 'Atarashii-Passphrase-5Z8w';
const P12_PASSWORD = 'P12-Password-3R9k';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = join(dir, entry);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

describe('secrets hygiene', () => {
  let dir: string;
  let offices: TestOffices;
  let home: string;
  const outputs: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-hygiene-'));
    offices = await setUpOffices(dir);
    home = join(dir, 'agent-home');
    writeFileSync(
      join(dir, 'planner.p12'),
      await exportPkcs12(offices.planner, P12_PASSWORD, { chain: [offices.ca.certificate] }),
    );
    writeFileSync(join(dir, 'p12-password.txt'), `${P12_PASSWORD}\n`);
    writeFileSync(join(dir, 'passphrase.txt'), `${PASSPHRASE}\n`);
    writeFileSync(join(dir, 'new-passphrase.txt'), `${NEW_PASSPHRASE}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const signer = () => issuePlatformCertificate(offices.ca, { name: 'TEST ONLY platform' });
  function platform() {
    const platformCert = signer();
    return fakeFetch({
      ...authRoutes(() => new Date(Date.now() + 3_600_000).toISOString()),
      'PUT /v1/offices/me': () => ({
        status: 201,
        json: { officeNumber: PLANNER.officeNumber, version: 1, status: 'active' },
      }),
      [`GET /v1/offices/${PROVIDER.officeNumber}`]: () => ({
        status: 200,
        json: { ...PROVIDER, serviceTypes: ['11'], certificatePem: offices.provider.certificatePem },
      }),
      'POST /v1/envelopes': (call) => {
        const parsed = parseEnvelope(call.body as Uint8Array);
        const receipt = signReceipt(
          {
            type: 'acceptance',
            version: 1,
            envelopeId: parsed.manifest.envelopeId,
            manifestSha256: parsed.manifestSha256,
            contentSha256: parsed.contentSha256,
            objectSha256: 'ef'.repeat(32),
            sender: parsed.manifest.sender,
            recipient: parsed.manifest.recipient,
            acceptedAt: new Date().toISOString(),
            platform: 'renkei',
          },
          { certificate: platformCert.certificate, privateKey: platformCert.privateKey },
        );
        return {
          status: 202,
          json: {
            envelopeId: parsed.manifest.envelopeId,
            status: 'accepted',
            receipt: Buffer.from(receipt).toString('base64'),
          },
        };
      },
      'GET /v1/inbox': () => ({ status: 200, json: { items: [], nextCursor: null } }),
    });
  }

  async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
    const fake = platform();
    const code = await runCli(['--home', home, '--platform', 'http://platform.test', ...argv], {
      stdout: (t) => outputs.push(t),
      stderr: (t) => outputs.push(t),
      env: { RENKEI_SECRET_STORE: 'none', RENKEI_DEBUG: '1', ...env },
      fetch: fake.fetch,
    });
    outputs.push(`exit ${code}`);
    return code;
  }

  it('init, send, status, list, rekey and failures leak no passphrase, password or key', async () => {
    const passphraseFile = ['--passphrase-file', join(dir, 'passphrase.txt')];
    expect(
      await run([
        'init',
        '--p12',
        join(dir, 'planner.p12'),
        '--password-file',
        join(dir, 'p12-password.txt'),
        ...passphraseFile,
      ]),
    ).toBe(ExitCode.Ok);
    expect(await run(['send', '--dir', offices.unitDir, ...passphraseFile])).toBe(ExitCode.Ok);
    expect(
      await run(['--json', 'send', '--dir', offices.unitDir], { RENKEI_KEY_PASSPHRASE: PASSPHRASE }),
    ).toBe(ExitCode.Ok);
    expect(await run(['status', '--offline', ...passphraseFile])).toBe(ExitCode.Ok);
    expect(await run(['profile', 'list'])).toBe(ExitCode.Ok);
    expect(await run(['--json', 'profile', 'list'])).toBe(ExitCode.Ok);
    // wrong, missing, then a changed passphrase
    expect(await run(['inbox'], { RENKEI_KEY_PASSPHRASE: `${PASSPHRASE}x` })).toBe(ExitCode.InvalidInput);
    expect(await run(['--json', 'inbox'])).toBe(ExitCode.Usage);
    expect(
      await run([
        'profile',
        'rekey',
        '--new-passphrase-file',
        join(dir, 'new-passphrase.txt'),
        ...passphraseFile,
      ]),
    ).toBe(ExitCode.Ok);
    expect(await run(['inbox', ...passphraseFile])).toBe(ExitCode.InvalidInput);
    expect(await run(['inbox'], { RENKEI_KEY_PASSPHRASE: NEW_PASSPHRASE })).toBe(ExitCode.Ok);

    const text = outputs.join('\n');
    expect(text).toContain('秘密鍵のパスフレーズが違います (wrong key passphrase)');
    expect(text).toContain('KEY_PASSPHRASE_REQUIRED');
    const keyDer = offices.planner.privateKey.export({ type: 'pkcs8', format: 'der' });
    const keyPem = offices.planner.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const secrets = [
      PASSPHRASE,
      NEW_PASSPHRASE,
      P12_PASSWORD,
      keyPem.split('\n')[1],
      keyDer.toString('base64').slice(0, 48),
      keyDer.toString('hex').slice(0, 64),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);

    const written = filesUnder(dir).filter(
      (f) => !['passphrase.txt', 'new-passphrase.txt', 'p12-password.txt'].some((n) => f.endsWith(n)),
    );
    expect(written).toContain(join(home, 'profiles', PLANNER.officeNumber, 'key.pem'));
    for (const file of written) {
      const bytes = readFileSync(file);
      for (const secret of secrets) {
        expect({ file, leaked: bytes.includes(secret) || bytes.toString('latin1').includes(secret) }).toEqual(
          {
            file,
            leaked: false,
          },
        );
      }
      expect({ file, rawKey: bytes.includes(keyDer.subarray(0, 64)) }).toEqual({ file, rawKey: false });
    }
    expect(readFileSync(join(home, 'profiles', PLANNER.officeNumber, 'key.pem'), 'utf8')).toMatch(
      /^-----BEGIN ENCRYPTED PRIVATE KEY-----/,
    );
  });
});
