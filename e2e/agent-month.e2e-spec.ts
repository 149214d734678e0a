// A month of the exchange through `renkei watch`, on the platform in both modes (standalone, cluster): a 居宅 office
// (A, 43) and three service offices (訪問介護 P1, 通所介護 P2, 福祉用具 P3), each agent its own long-running process on
// its own export and import folders. The test plays the care software: December's traffic, generated and exported
// in ascending ファイル連番 (実績 for November from each provider in the first days, ケアプラン and 提供票 revisions for
// December, next month's 提供票 and a delete at the end of the month), while
// - A's agent is killed (SIGKILL) in the middle of a batch and started again;
// - P2's agent is killed while arrivals are on their way to it, and started again later;
// - the platform is stopped for a while (standalone: its process; cluster: every service process) while both sides
//   keep exporting, then started again on the same data;
// - the care software exports a unit that was already sent again.
// In the end every unit is imported exactly once, byte for byte, in 連番 order per sender; the platform holds one
// envelope per unit, each receipted as accepted; the duplicate went to rejected/; and A's evidence CSV for the month
// agrees with the platform's timeline.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as iconv from 'iconv-lite';
import { Client } from 'pg';
import { FileDirection, generateUnit, SendUnitType, type GeneratedUnit } from '@renkei/careplan';
import {
  AgentCli,
  startClusterPlatform,
  startStandalonePlatform,
  waitUntilLicensed,
  type AgentOffice,
  type AgentParty,
  type PlatformUnderTest,
} from '@renkei/harness';
import { platformServices } from '@renkei/standalone';
import { readCsvRows, readInfraEnv, type RunningProcess } from '@renkei/testing';

const A: AgentParty = { officeNumber: '1310000011', serviceType: '43' };
const P1: AgentParty = { officeNumber: '1310000029', serviceType: '11' };
const P2: AgentParty = { officeNumber: '1310000037', serviceType: '15' };
const P3: AgentParty = { officeNumber: '1310000045', serviceType: '17' };
const PROVIDERS = [P1, P2, P3];

interface Agent extends AgentOffice {
  readonly exportDir: string;
  readonly importDir: string;
  /** every stopped process's output, in order (JSON log lines on stderr) */
  log: string;
  proc?: RunningProcess;
}

interface Traffic {
  readonly unit: GeneratedUnit;
  readonly from: AgentParty;
  readonly to: AgentParty;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const JST_MS = 9 * 3_600_000;
const jst = (at: Date | null): string =>
  at ? new Date(at.getTime() + JST_MS).toISOString().slice(0, 19).replace('T', ' ') : '';

/**
 * December for one 居宅 and its three providers, in ascending ファイル連番: each provider's 実績 for November (one
 * deleted and sent again by P2), A's ケアプラン to each provider, two 提供票 revisions for December, next month's
 * 提供票, and one delete of a January 提供票 sent again corrected.
 */
function december(): Traffic[] {
  let seed = 7_000;
  const at = (day: number, hour: number, minute: number): string =>
    `202612${String(day).padStart(2, '0')}${String(hour).padStart(2, '0')}${String(minute).padStart(2, '0')}00`;
  const fromA = (to: AgentParty, type: SendUnitType, month: string, sequence: string): Traffic => ({
    from: A,
    to,
    unit: generateUnit({
      seed: seed++,
      direction: FileDirection.FromPlanner,
      month,
      type,
      planner: A,
      provider: to,
      sequence,
      users: 4 + (seed % 12),
    }),
  });
  const toA = (from: AgentParty, type: SendUnitType, sequence: string): Traffic => ({
    from,
    to: A,
    unit: generateUnit({
      seed: seed++,
      direction: FileDirection.FromProvider,
      month: '202611',
      type,
      planner: A,
      provider: from,
      sequence,
      users: 4 + (seed % 12),
    }),
  });
  const traffic: Traffic[] = [];
  PROVIDERS.forEach((p, i) => {
    traffic.push(toA(p, SendUnitType.Actual, at(1, 9 + i, 0)));
    traffic.push(toA(p, SendUnitType.Actual, at(2, 9 + i, 30)));
    traffic.push(fromA(p, SendUnitType.KyotakuPlan, '202612', at(3, 10, 10 * i)));
    traffic.push(fromA(p, SendUnitType.ServiceUsagePlan, '202612', at(3, 11, 10 * i)));
    traffic.push(fromA(p, SendUnitType.ServiceUsagePlan, '202612', at(10, 14, 10 * i)));
    traffic.push(fromA(p, SendUnitType.ServiceUsagePlan, '202612', at(17, 15, 10 * i)));
    traffic.push(fromA(p, SendUnitType.ServiceUsagePlan, '202701', at(24, 9, 10 * i)));
    traffic.push(fromA(p, SendUnitType.ServiceUsagePlan, '202701', at(25, 9, 10 * i)));
  });
  traffic.push(toA(P2, SendUnitType.ActualDelete, at(4, 16, 0)));
  traffic.push(toA(P2, SendUnitType.Actual, at(4, 16, 5)));
  traffic.push(fromA(P3, SendUnitType.ServiceUsagePlanDelete, '202701', at(26, 10, 0)));
  traffic.push(fromA(P3, SendUnitType.ServiceUsagePlan, '202701', at(26, 10, 5)));
  return traffic.sort((x, y) => (x.unit.sequence < y.unit.sequence ? -1 : 1));
}

describe.each(['standalone', 'cluster'] as const)('a month through renkei watch (%s)', (mode) => {
  let platform: PlatformUnderTest;
  let work: string;
  let cli: AgentCli;
  const agents = new Map<string, Agent>();
  const agentOf = (party: AgentParty): Agent => agents.get(party.officeNumber) as Agent;

  function startWatch(agent: Agent): void {
    agent.proc = cli.start(agent, [
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
    ]);
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

  /** what the care software exports: the unit's files, in its sender's export folder */
  async function exportUnit({ unit, from }: Traffic): Promise<void> {
    const { exportDir } = agentOf(from);
    for (const file of unit.files) await writeFile(path.join(exportDir, file.fileName), file.bytes);
  }

  const exportEmpty = async (agent: Agent): Promise<boolean> =>
    (await readdir(agent.exportDir)).every((name) => !name.endsWith('.CSV'));

  async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) {
        const logs = [...agents.values()]
          .map((agent) => `--- ${agent.party.officeNumber}\n${agent.log}${agent.proc?.output() ?? ''}`)
          .join('\n');
        throw new Error(
          `timed out waiting for ${what}\n${logs}\n--- platform\n${platform.output().slice(-20_000)}`,
        );
      }
      await sleep(250);
    }
  }

  async function query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: platform.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'renkei-e2e-month-'));
    platform =
      mode === 'standalone'
        ? await startStandalonePlatform()
        : await startClusterPlatform({ infra: readInfraEnv(), definitions: platformServices });
    cli = new AgentCli({ cwd: work, platformEnv: platform.agentEnv });
    for (const party of [A, ...PROVIDERS]) {
      const office = await cli.enrol(platform.devCa, party, { keyType: party === A ? 'rsa' : 'ec' });
      const agent: Agent = {
        ...office,
        exportDir: path.join(office.dir, 'export'),
        importDir: path.join(office.dir, 'import'),
        log: '',
      };
      await mkdir(agent.exportDir, { recursive: true });
      agents.set(party.officeNumber, agent);
    }
    await waitUntilLicensed(
      platform,
      [A, ...PROVIDERS].map((p) => p.officeNumber),
    );
  }, 300_000);

  afterAll(async () => {
    for (const agent of agents.values()) if (agent.proc) await stopWatch(agent, 'SIGKILL');
    await platform?.up().catch(() => undefined);
    await platform?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('delivers every unit exactly once, imported in 連番 order, through agent crashes and a platform outage', async () => {
    const traffic = december();
    const a = agentOf(A);
    const p2 = agentOf(P2);
    const quarter = Math.floor(traffic.length / 4);
    for (const agent of agents.values()) startWatch(agent);

    // the first days go through normally
    for (const t of traffic.slice(0, quarter)) await exportUnit(t);
    await waitFor('the first days to be sent', async () =>
      (await Promise.all([...agents.values()].map(exportEmpty))).every(Boolean),
    );

    // A's agent is killed in the middle of a batch, then started again; P2's is killed with arrivals on their way
    const secondBatch = traffic.slice(quarter, 2 * quarter);
    for (const t of secondBatch.slice(0, Math.ceil(secondBatch.length / 2))) await exportUnit(t);
    await sleep(400);
    expect(await stopWatch(a, 'SIGKILL')).toBe('SIGKILL');
    expect(await stopWatch(p2, 'SIGKILL')).toBe('SIGKILL');
    for (const t of secondBatch.slice(Math.ceil(secondBatch.length / 2))) await exportUnit(t);
    startWatch(a);
    await waitFor('A to be back at work', () => exportEmpty(a));
    startWatch(p2);

    // the platform goes down while every office keeps exporting
    await waitFor('every export to be taken', async () =>
      (await Promise.all([...agents.values()].map(exportEmpty))).every(Boolean),
    );
    await platform.down();
    const downAt = new Date();
    const duringOutage = traffic.slice(2 * quarter, 3 * quarter);
    for (const t of duringOutage) await exportUnit(t);
    await sleep(6_000);
    // nothing is lost: each sender's units wait in its durable queue, not sent
    for (const agent of agents.values()) {
      const expected = duringOutage.filter((t) => t.from === agent.party).map((t) => t.unit.sequence);
      expect(
        (await queued(agent))
          .filter((u) => u.state === 'staged' || u.state === 'sealed')
          .map((u) => u.fileSequence),
      ).toEqual(expected);
    }
    // the window ends when the platform starts again: from then on its services accept as they come up
    const upAt = new Date();
    await platform.up();
    // and nothing reached the platform meanwhile
    const [during] = await query<{ n: string }>(
      'select count(*) as n from intake.envelope where accepted_at >= $1 and accepted_at < $2',
      [downAt, upAt],
    );
    expect(Number(during.n)).toBe(0);

    // the rest of the month; and the care software exports an already sent unit again
    for (const t of traffic.slice(3 * quarter)) await exportUnit(t);
    const again = traffic.find((t) => t.from === A) as Traffic;
    await exportUnit(again);

    const expectedFiles = (party: AgentParty): string[] =>
      traffic
        .filter((t) => t.to === party)
        .flatMap((t) => t.unit.files.map((f) => f.fileName))
        .sort();
    const imported = async (agent: Agent): Promise<string[]> =>
      (await readdir(agent.importDir).catch(() => [] as string[])).sort();
    await waitFor('every unit to be imported', async () => {
      for (const agent of agents.values()) {
        if ((await imported(agent)).length < expectedFiles(agent.party).length) return false;
      }
      return true;
    });
    await waitFor('every receipt to be recorded', async () => {
      const [row] = await query<{ n: string }>(
        'select count(*) as n from delivery.envelope where receipt_verdict is not null',
      );
      return Number(row.n) === traffic.length;
    });
    await waitFor(
      'the duplicate to be set aside',
      async () => (await readdir(path.join(a.exportDir, 'rejected'))).length > 0,
    );

    // graceful stop: SIGTERM finishes the current step and exits 0
    for (const agent of agents.values()) expect(await stopWatch(agent, 'SIGTERM')).toBe(0);

    // every import folder holds exactly its units' files, byte for byte
    for (const agent of agents.values()) {
      expect(await imported(agent)).toEqual(expectedFiles(agent.party));
      for (const t of traffic.filter((x) => x.to === agent.party)) {
        for (const file of t.unit.files) {
          expect(sha256(await readFile(path.join(agent.importDir, file.fileName)))).toBe(sha256(file.bytes));
        }
      }
    }

    // the platform: one envelope per unit (no duplicates), each receipted as accepted
    const rows = await query<{ sender: string; recipient: string; seq: string; n: string; verdicts: string }>(
      `select e.sender_office_number as sender, e.recipient_office_number as recipient, e.file_sequence as seq,
              count(*) as n, string_agg(coalesce(d.receipt_verdict, '-'), ',') as verdicts
         from intake.envelope e left join delivery.envelope d using (envelope_id)
        group by 1, 2, 3 order by 3, 1, 2`,
    );
    expect(rows.map((r) => [r.seq, r.sender, r.recipient, r.n, r.verdicts])).toEqual(
      traffic.map((t) => [t.unit.sequence, t.from.officeNumber, t.to.officeNumber, '1', 'accepted']),
    );

    // every agent imported each unit once, in ascending 連番 per sender, across its restarts
    for (const agent of agents.values()) {
      const events = loggedEvents(agent.log, 'unit.imported') as {
        fileSequence: string;
        envelopeId: string;
      }[];
      expect(new Set(events.map((e) => e.envelopeId)).size).toBe(events.length);
      expect(events).toHaveLength(traffic.filter((t) => t.to === agent.party).length);
      const envelopes = await query<{ envelope_id: string; sender: string }>(
        'select envelope_id, sender_office_number as sender from delivery.envelope where recipient_office_number = $1',
        [agent.party.officeNumber],
      );
      const senderOf = new Map(envelopes.map((e) => [e.envelope_id, e.sender]));
      for (const sender of new Set(senderOf.values())) {
        const sequences = events
          .filter((e) => senderOf.get(e.envelopeId) === sender)
          .map((e) => e.fileSequence);
        expect(sequences).toEqual([...sequences].sort());
      }
    }
    // each sender sent each unit once: its sent events name distinct units
    for (const agent of agents.values()) {
      const sent = loggedEvents(agent.log, 'unit.sent') as { unit: string }[];
      expect(new Set(sent.map((e) => e.unit)).size).toBe(sent.length);
    }
    // arrivals were pushed (SSE); polling was only the fallback; the outage was seen and waited out
    expect(agentOf(P1).log).toContain('"event":"inbox.arrival"');
    expect(a.log).toContain('"event":"inbox.arrival"');
    expect([...agents.values()].map((agent) => agent.log).join('')).toContain(
      '"code":"PLATFORM_UNREACHABLE"',
    );

    // the duplicate: refused by A's agent, moved to rejected/ with its reason, never sent
    const [rejected] = await readdir(path.join(a.exportDir, 'rejected'));
    expect(rejected).toBe(
      `${again.unit.sequence}_${A.officeNumber}-${A.serviceType}_${again.to.officeNumber}-${again.to.serviceType}`,
    );
    const reason = await readFile(path.join(a.exportDir, 'rejected', rejected, '理由.txt'), 'utf8');
    expect(reason).toContain('送信済み');
    expect(loggedEvents(a.log, 'unit.rejected')).toEqual([
      expect.objectContaining({ code: 'UNIT_ALREADY_SENT', unit: rejected }),
    ]);
    expect((await readdir(path.join(a.exportDir, 'archive'))).length).toBe(
      traffic.filter((t) => t.from === A).length,
    );

    await expectEvidenceMatchesTimeline(a, traffic);
  }, 900_000);

  /** `renkei evidence --month`: one MS932 row per file of every envelope A sent or received, as the platform has it */
  async function expectEvidenceMatchesTimeline(agent: Agent, traffic: Traffic[]): Promise<void> {
    const envelopes = await query<{
      envelope_id: string;
      sender: string;
      recipient: string;
      file_sequence: string;
      files: { name: string; size: number; sha256: string }[];
      accepted_at: Date;
      available_at: Date | null;
      first_downloaded_at: Date | null;
      receipted_at: Date | null;
      manifest_sha256: string;
    }>(
      `select envelope_id, sender_office_number as sender, recipient_office_number as recipient, file_sequence, files,
              accepted_at, available_at, first_downloaded_at, receipted_at, manifest_sha256
         from delivery.envelope where $1 in (sender_office_number, recipient_office_number)`,
      [agent.party.officeNumber],
    );
    const months = new Set(envelopes.map((e) => jst(e.accepted_at).slice(0, 7).replace('-', '')));
    const expectedRows: string[][] = [];
    for (const e of envelopes) {
      const unit = traffic.find(
        (t) => t.unit.sequence === e.file_sequence && t.from.officeNumber === e.sender,
      )?.unit as GeneratedUnit;
      for (const file of [...e.files].sort((x, y) => (x.name < y.name ? -1 : 1))) {
        const bytes = unit.files.find((f) => f.fileName === file.name)?.bytes as Buffer;
        expect([file.size, file.sha256]).toEqual([bytes.length, sha256(bytes)]);
        expectedRows.push([
          e.sender === agent.party.officeNumber ? '送信' : '受信',
          e.envelope_id,
          e.file_sequence,
          file.name,
          String(file.size),
          file.sha256,
          e.sender,
          e.recipient,
          jst(e.accepted_at),
          jst(e.available_at),
          jst(e.first_downloaded_at),
          jst(e.receipted_at),
          '受領',
          e.manifest_sha256,
        ]);
      }
    }
    const rows: string[][] = [];
    for (const month of months) {
      const out = path.join(work, `evidence-${mode}-${month}.csv`);
      await cli.json(agent, ['evidence', '--month', month, '--out', out]);
      const [, ...lines] = readCsvRows(iconv.decode(await readFile(out), 'cp932'));
      rows.push(...lines);
    }
    // 方向, 封筒ID, ファイル連番, ファイル名, サイズ, SHA-256, 送信元, 送信先, 受付, 配信可能, ダウンロード, 受領日時, 受領結果, マニフェスト
    const picked = rows.map((r) => [
      r[0],
      r[1],
      r[4],
      r[5],
      r[6],
      r[7],
      r[8],
      r[10],
      r[12],
      r[13],
      r[14],
      r[15],
      r[16],
      r[18],
    ]);
    const order = (x: string[], y: string[]) => (x.join('|') < y.join('|') ? -1 : 1);
    expect(picked.sort(order)).toEqual(expectedRows.sort(order));
    expect(new Set(rows.map((r) => r[1])).size).toBe(
      traffic.filter((t) => t.from === agent.party || t.to === agent.party).length,
    );
    // every receipt in it verified
    for (const row of rows)
      expect([row[19], row[20]]).toEqual([
        expect.stringMatching(/^検証済/),
        expect.stringMatching(/^検証済/),
      ]);
  }

  /** the agent's durable send queue, in ascending 連番 */
  async function queued(agent: Agent): Promise<{ state: string; fileSequence: string }[]> {
    const outbox = path.join(agent.home, 'profiles', agent.party.officeNumber, 'watch', 'outbox');
    const units = await Promise.all(
      (await readdir(outbox).catch(() => [] as string[])).map(
        async (key) =>
          JSON.parse(await readFile(path.join(outbox, key, 'unit.json'), 'utf8')) as {
            state: string;
            fileSequence: string;
          },
      ),
    );
    return units.sort((x, y) => (x.fileSequence < y.fileSequence ? -1 : 1));
  }
});

function loggedEvents(log: string, event: string): Record<string, unknown>[] {
  return log
    .split('\n')
    .filter((line) => line.includes(`"event":"${event}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
