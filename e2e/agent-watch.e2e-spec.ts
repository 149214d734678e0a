// `renkei watch` between a 居宅 office (A, 43) and two service offices (B, C, 11), each agent its own long-running
// process watching its own export and import folders, on the platform in both modes (standalone, cluster). Care software is played by the
// test: it drops generated 予定 units (A → B, A → C) and 実績 units (B → A) into the export folders, in ascending
// ファイル連番 as a care system numbers them, while A's agent is killed (SIGKILL) and restarted midway and the
// platform is down for a while (standalone: its process stopped, then started again on the same data directory;
// cluster: every agent reaches each service through a TCP relay that is closed, connections and all, then opened
// again). In the end every unit is imported exactly once, in 連番 order, and the platform holds one
// envelope per unit, each receipted.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { FileDirection, generateUnit, SendUnitType, type GeneratedUnit } from '@renkei/careplan';
import {
  EXCHANGE_SERVICES,
  PlatformUnderTest,
  readDevCa,
  startClusterPlatform,
  waitUntilLicensed,
} from '@renkei/harness';
import { platformServices } from '@renkei/standalone';
import {
  exportPkcs12,
  freePort,
  issueOfficeCertificate,
  readInfraEnv,
  repoRoot,
  RunningProcess,
  startProcess,
  waitForReady,
} from '@renkei/testing';

const run = promisify(execFile);
const RENKEI = path.join(repoRoot, 'clients', 'agent', 'bin', 'renkei.js');
const P12_PASSWORD = 'e2e-p12-password';
const KEY_PASSPHRASE = 'e2e-key-passphrase';

const A = { officeNumber: '1310000011', serviceType: '43' };
const B = { officeNumber: '1310000029', serviceType: '11' };
const C = { officeNumber: '1310000037', serviceType: '11' };

interface Agent {
  readonly party: { officeNumber: string; serviceType: string };
  readonly home: string;
  readonly exportDir: string;
  readonly importDir: string;
  /** every process's output, in order (JSON log lines on stderr) */
  log: string;
  proc?: RunningProcess;
}

/** a TCP relay to the platform that can be cut (listener closed, live connections destroyed) and restored */
class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  async open(): Promise<void> {
    const server = net.createServer((inbound) => {
      const outbound = net.connect(this.target, '127.0.0.1');
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** the platform as the test drives it: the outage is a real stop and start of standalone, a relay cut in a cluster */
interface Platform extends Pick<PlatformUnderTest, 'urls' | 'devCa' | 'databaseUrl'> {
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** standalone as the harness starts it (tools/start-standalone.mjs, embedded defaults), restartable on its data dir */
async function restartableStandalone(): Promise<Platform> {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'renkei-platform-'));
  await chmod(cwd, 0o755); // embedded PostgreSQL runs as an unprivileged user when started by root
  const port = await freePort();
  const postgresPort = await freePort();
  const env = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    TZ: 'UTC',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    METRICS_PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(postgresPort),
  };
  const url = `http://127.0.0.1:${port}`;
  let proc: RunningProcess | undefined;
  const start = async (): Promise<void> => {
    proc = startProcess([path.join(repoRoot, 'tools', 'start-standalone.mjs')], { cwd, env });
    await waitForReady(`${url}/health/ready`, proc, 150_000);
  };
  const halt = async (): Promise<void> => {
    await proc?.stop(60_000);
    proc = undefined;
  };
  await start();
  const dataDir = path.join(cwd, '.renkei');
  const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
  return {
    urls: Object.fromEntries(EXCHANGE_SERVICES.map((service) => [service, url])) as PlatformUnderTest['urls'],
    devCa: await readDevCa(path.join(dataDir, 'dev-ca')),
    databaseUrl: `postgres://renkei:${encodeURIComponent(password)}@127.0.0.1:${postgresPort}/renkei`,
    down: halt,
    up: start,
    stop: async () => {
      await halt();
      await rm(cwd, { recursive: true, force: true });
    },
  };
}

/** a cluster whose services the agents reach through relays; the outage cuts them all */
async function relayedCluster(): Promise<{ platform: Platform; relays: Map<string, Relay> }> {
  const cluster = await startClusterPlatform({ infra: readInfraEnv(), definitions: platformServices });
  const relays = new Map<string, Relay>();
  for (const url of new Set(Object.values(cluster.urls))) {
    relays.set(url, new Relay(await freePort(), Number(new URL(url).port)));
  }
  for (const relay of relays.values()) await relay.open();
  return {
    relays,
    platform: {
      urls: cluster.urls,
      devCa: cluster.devCa,
      databaseUrl: cluster.databaseUrl,
      down: async () => {
        for (const relay of relays.values()) await relay.cut();
      },
      up: async () => {
        for (const relay of relays.values()) await relay.open();
      },
      stop: async () => {
        for (const relay of relays.values()) await relay.cut();
        await cluster.stop();
      },
    },
  };
}

describe.each(['standalone', 'cluster'] as const)('renkei watch (%s)', (mode) => {
  let platform: Platform;
  let relays: Map<string, Relay> = new Map();
  let work: string;
  let a: Agent;
  let b: Agent;
  let c: Agent;

  const env = (): NodeJS.ProcessEnv => {
    return {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      TZ: 'UTC',
      RENKEI_P12_PASSWORD: P12_PASSWORD,
      RENKEI_KEY_PASSPHRASE: KEY_PASSPHRASE,
      ...Object.fromEntries(
        EXCHANGE_SERVICES.map((service) => {
          const relay = relays.get(platform.urls[service]);
          return [
            `RENKEI_${service.toUpperCase()}_URL`,
            relay ? `http://127.0.0.1:${relay.port}` : platform.urls[service],
          ];
        }),
      ),
    };
  };

  async function renkei(agent: Agent, args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run(process.execPath, [RENKEI, '--home', agent.home, '--json', ...args], {
      cwd: work,
      env: env(),
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  async function office(party: Agent['party']): Promise<Agent> {
    const credential = issueOfficeCertificate(platform.devCa, {
      officeNumber: party.officeNumber,
      serviceTypes: [party.serviceType],
      keyType: 'ec',
    });
    const dir = path.join(work, party.officeNumber);
    await mkdir(dir, { recursive: true });
    const p12 = path.join(dir, 'office.p12');
    await writeFile(
      p12,
      await exportPkcs12(credential, P12_PASSWORD, { chain: [platform.devCa.certificate] }),
    );
    const agent: Agent = {
      party,
      home: path.join(dir, 'home'),
      exportDir: path.join(dir, 'export'),
      importDir: path.join(dir, 'import'),
      log: '',
    };
    await mkdir(agent.exportDir, { recursive: true });
    await renkei(agent, ['init', '--p12', p12]);
    await renkei(agent, ['register']);
    return agent;
  }

  function startWatch(agent: Agent): void {
    agent.proc = startProcess(
      [
        RENKEI,
        '--home',
        agent.home,
        '--json',
        'watch',
        '--export',
        agent.exportDir,
        '--import',
        agent.importDir,
        '--settle-ms',
        '300',
        '--scan-ms',
        '200',
        '--poll-ms',
        '1500',
      ],
      { cwd: work, env: env() },
    );
  }

  async function stopWatch(agent: Agent, signal: 'SIGTERM' | 'SIGKILL'): Promise<number | string> {
    const proc = agent.proc as RunningProcess;
    agent.proc = undefined;
    let code: number | string;
    if (signal === 'SIGKILL') {
      proc.child.kill('SIGKILL');
      code = await proc.exited(10_000);
    } else {
      code = await proc.stop(30_000);
    }
    agent.log += proc.output();
    return code;
  }

  /** what the care software exports: the unit's files (written in one go, as a care system does) */
  async function exportUnit(agent: Agent, unit: GeneratedUnit): Promise<void> {
    for (const file of unit.files) await writeFile(path.join(agent.exportDir, file.fileName), file.bytes);
  }

  const plan = (to: Agent['party'], sequence: string, seed: number): GeneratedUnit =>
    generateUnit({
      seed,
      direction: FileDirection.FromPlanner,
      month: '202612',
      type: SendUnitType.ServiceUsagePlan,
      planner: A,
      provider: to,
      sequence,
      users: 2,
    });

  const actual = (from: Agent['party'], sequence: string, seed: number): GeneratedUnit =>
    generateUnit({
      seed,
      direction: FileDirection.FromProvider,
      month: '202612',
      type: SendUnitType.Actual,
      planner: A,
      provider: from,
      sequence,
      users: 2,
    });

  /** the import folder's regular files (no temp names left) */
  const imported = async (agent: Agent): Promise<string[]> =>
    (await readdir(agent.importDir).catch(() => [] as string[])).sort();

  async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}\n--- A\n${a.log}${a.proc?.output() ?? ''}\n--- B\n${b.proc?.output() ?? ''}`,
        );
      }
      await sleep(250);
    }
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'renkei-e2e-watch-'));
    if (mode === 'standalone') {
      platform = await restartableStandalone();
    } else {
      ({ platform, relays } = await relayedCluster());
    }
    a = await office(A);
    b = await office(B);
    c = await office(C);
    await waitUntilLicensed(platform, [A.officeNumber, B.officeNumber, C.officeNumber]);
  }, 300_000);

  afterAll(async () => {
    for (const agent of [a, b, c]) if (agent?.proc) await stopWatch(agent, 'SIGKILL');
    await platform?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('delivers every unit exactly once, in 連番 order, through an agent crash and a platform outage', async () => {
    // 10 予定 units to B, 6 to C, 6 実績 units from B to A: 連番 one minute apart, exported in ascending order
    const sequence = (n: number) => `2026120${1 + Math.floor(n / 60)}09${String(n % 60).padStart(2, '0')}00`;
    const toB = Array.from({ length: 10 }, (_, i) => plan(B, sequence(i * 3), 100 + i));
    const toC = Array.from({ length: 6 }, (_, i) => plan(C, sequence(i * 3 + 1), 200 + i));
    const fromB = Array.from({ length: 6 }, (_, i) => actual(B, sequence(i * 3 + 2), 300 + i));
    const fromA = [...toB, ...toC].sort((x, y) => (x.sequence < y.sequence ? -1 : 1));

    for (const agent of [a, b, c]) startWatch(agent);

    // a first batch goes through normally
    for (const unit of fromA.slice(0, 5)) await exportUnit(a, unit);
    for (const unit of fromB.slice(0, 2)) await exportUnit(b, unit);
    await waitFor('the first batch to be sent', async () =>
      (await readdir(a.exportDir)).every((n) => !n.endsWith('.CSV')),
    );

    // A's agent is killed in the middle of the second batch, then started again
    for (const unit of fromA.slice(5, 9)) await exportUnit(a, unit);
    await sleep(400);
    expect(await stopWatch(a, 'SIGKILL')).toBe('SIGKILL');
    for (const unit of fromA.slice(9, 11)) await exportUnit(a, unit);
    startWatch(a);

    // the platform goes down while both sides keep exporting
    await waitFor('A to be back at work', async () =>
      (await readdir(a.exportDir)).every((n) => !n.endsWith('.CSV')),
    );
    await platform.down();
    const downAt = new Date();
    for (const unit of fromA.slice(11, 14)) await exportUnit(a, unit);
    for (const unit of fromB.slice(2, 5)) await exportUnit(b, unit);
    await sleep(6_000);
    // nothing was lost: the units wait in the durable queue, not yet sent
    const waiting = await queued(a);
    expect(
      waiting.filter((u) => u.state === 'staged' || u.state === 'sealed').map((u) => u.fileSequence),
    ).toEqual(fromA.slice(11, 14).map((u) => u.sequence));
    const upAt = new Date();
    await platform.up();
    // and nothing reached the platform meanwhile
    expect(await acceptedBetween(downAt, upAt)).toBe(0);

    for (const unit of fromA.slice(14)) await exportUnit(a, unit);
    for (const unit of fromB.slice(5)) await exportUnit(b, unit);

    const expectedB = toB.flatMap((u) => u.files.map((f) => f.fileName)).sort();
    const expectedC = toC.flatMap((u) => u.files.map((f) => f.fileName)).sort();
    const expectedA = fromB.flatMap((u) => u.files.map((f) => f.fileName)).sort();
    await waitFor('every unit to be imported', async () => {
      const [ia, ib, ic] = await Promise.all([imported(a), imported(b), imported(c)]);
      return ia.length >= expectedA.length && ib.length >= expectedB.length && ic.length >= expectedC.length;
    });
    await waitFor(
      'every receipt to be recorded',
      async () => (await receiptedCount()) === fromA.length + fromB.length,
    );

    // graceful stop: SIGTERM finishes the current step and exits 0
    for (const agent of [a, b, c]) expect(await stopWatch(agent, 'SIGTERM')).toBe(0);

    expect(await imported(a)).toEqual(expectedA);
    expect(await imported(b)).toEqual(expectedB);
    expect(await imported(c)).toEqual(expectedC);
    for (const unit of toB) {
      for (const file of unit.files) {
        expect(Buffer.compare(await readFile(path.join(b.importDir, file.fileName)), file.bytes)).toBe(0);
      }
    }
    // export folders hold only the archive (by envelope id) and nothing rejected
    for (const agent of [a, b]) {
      expect((await readdir(agent.exportDir)).sort()).toEqual(['archive', 'rejected']);
      expect(await readdir(path.join(agent.exportDir, 'rejected'))).toEqual([]);
    }
    expect((await readdir(path.join(a.exportDir, 'archive'))).length).toBe(fromA.length);

    // the platform: one envelope per unit (no duplicates), each receipted as accepted
    const rows = await query<{ sender: string; recipient: string; seq: string; n: string; verdicts: string }>(
      `select e.sender_office_number as sender, e.recipient_office_number as recipient, e.file_sequence as seq,
              count(*) as n, string_agg(coalesce(d.receipt_verdict, '-'), ',') as verdicts
         from intake.envelope e left join delivery.envelope d using (envelope_id)
        group by 1, 2, 3 order by 3`,
    );
    expect(rows).toHaveLength(fromA.length + fromB.length);
    for (const row of rows)
      expect({ n: row.n, verdicts: row.verdicts }).toEqual({ n: '1', verdicts: 'accepted' });

    // every agent imported in ascending 連番 (per sender), each unit once, across restarts
    for (const agent of [a, b, c]) {
      const events = importedEvents(agent.log);
      const sequences = events.map((e) => e.fileSequence);
      expect(sequences).toEqual([...sequences].sort());
      expect(new Set(events.map((e) => e.envelopeId)).size).toBe(events.length);
    }
    expect(importedEvents(b.log)).toHaveLength(toB.length);
    expect(importedEvents(c.log)).toHaveLength(toC.length);
    expect(importedEvents(a.log)).toHaveLength(fromB.length);
    // arrivals were pushed (SSE) to the receiving agents; polling was only the fallback
    expect(b.log).toContain('"event":"inbox.arrival"');
    expect(c.log).toContain('"event":"inbox.arrival"');
    // the outage was seen, and waited out with retries
    expect(`${a.log}${b.log}`).toContain('"code":"PLATFORM_UNREACHABLE"');
    // A sent each unit once: its sent events name distinct envelopes, one per unit
    const sent = a.log
      .split('\n')
      .filter((line) => line.includes('"event":"unit.sent"'))
      .map((line) => JSON.parse(line) as { unit: string; envelopeId: string });
    expect(new Set(sent.map((e) => e.unit)).size).toBe(sent.length);
  }, 600_000);

  function importedEvents(log: string): { fileSequence: string; envelopeId: string }[] {
    return log
      .split('\n')
      .filter((line) => line.includes('"event":"unit.imported"'))
      .map((line) => JSON.parse(line) as { fileSequence: string; envelopeId: string });
  }

  /** A's durable send queue, in ascending 連番 */
  async function queued(agent: Agent): Promise<{ state: string; fileSequence: string }[]> {
    const outbox = path.join(agent.home, 'profiles', agent.party.officeNumber, 'watch', 'outbox');
    const units = await Promise.all(
      (await readdir(outbox)).map(
        async (key) =>
          JSON.parse(await readFile(path.join(outbox, key, 'unit.json'), 'utf8')) as {
            state: string;
            fileSequence: string;
          },
      ),
    );
    return units.sort((x, y) => (x.fileSequence < y.fileSequence ? -1 : 1));
  }

  async function acceptedBetween(from: Date, to: Date): Promise<number> {
    const [row] = await query<{ n: string }>(
      `select count(*) as n from intake.envelope where accepted_at >= '${from.toISOString()}' and accepted_at < '${to.toISOString()}'`,
    );
    return Number(row.n);
  }

  async function receiptedCount(): Promise<number> {
    const [row] = await query<{ n: string }>(
      `select count(*) as n from delivery.envelope where receipt_verdict is not null`,
    );
    return Number(row.n);
  }

  async function query<T>(sql: string): Promise<T[]> {
    const client = new Client({ connectionString: platform.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }
});
