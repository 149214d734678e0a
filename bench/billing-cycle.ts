// Billing bench: one month of 47 prefectures and 250,000 licensed offices (cluster mode, real PostgreSQL and
// Kafka on this machine):
//   npm run bench:billing        (start the infrastructure first: deploy/local/infra up)
// The billing service runs as its own process (services/billing/src/main.ts) on a fresh database, verifying
// tokens from a served test key set. The figures:
//   1. fees from licence events: BENCH_EVENTS LicenceChanged (ACTIVE) events produced to the real topic, until
//      billing's consumer has priced and stored every fee (the real path, one inbox transaction per event);
//   2. the rest of the 250,000 licences and their due fees are written with SQL (seeding, not measured);
//   3. cycle generation: the operator's POST /v1/billing/cycles for the month (47 cycles, every due fee);
//   4. CSV export: each 国保連 downloads its cycle as MS932 CSV (47 downloads, one after another), rows counted;
//   5. results: the largest prefecture posts its results as one MS932 CSV (1 % not deductible), then every
//      cycle's reconciliation must balance.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { billingDefinition } from '@renkei/billing';
import { hasValidOfficeCheckDigit } from '@renkei/careplan';
import { encodeEvent, LicenceState, Topics } from '@renkei/contracts';
import { freshDatabase, minioEnv, TestTokens, type FreshDatabase } from '@renkei/harness';
import { createTestTopics, deleteTestTopics } from '@renkei/platform/testing';
import {
  freePort,
  readInfraEnv,
  repoRoot,
  startProcess,
  uniqueName,
  waitForReady,
  type RunningProcess,
} from '@renkei/testing';
import iconv from 'iconv-lite';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printResults, round, type BenchResult } from './lib/report';

const OFFICES = Number(process.env['BENCH_OFFICES'] ?? 250_000);
const EVENTS = Math.min(OFFICES, Number(process.env['BENCH_EVENTS'] ?? 10_000));
/** the cycle month (the current JST month: a later one cannot be generated); every term starts the month before */
const MONTH =
  process.env['BENCH_MONTH'] ??
  new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7).replace('-', '');

// population in 10,000s (2020 census, rounded) as the weight of each prefecture's share of offices
const PREFECTURE_WEIGHTS = [
  522, 124, 121, 230, 96, 107, 183, 287, 193, 194, 734, 628, 1405, 924, 220, 103, 113, 77, 81, 205, 198, 363,
  754, 177, 141, 258, 884, 547, 132, 92, 55, 67, 189, 280, 134, 72, 95, 133, 69, 514, 81, 131, 174, 112, 107,
  159, 147,
];

const prefectureCode = (index: number): string => String(index + 1).padStart(2, '0');

/** offices per prefecture, proportional to the weights, summing to `total` */
function officesPerPrefecture(total: number): number[] {
  const weightSum = PREFECTURE_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  const counts = PREFECTURE_WEIGHTS.map((weight) => Math.floor((total * weight) / weightSum));
  counts[12] += total - counts.reduce((sum, count) => sum + count, 0);
  return counts;
}

/** `count` 事業所番号 of a prefecture with a valid check digit */
function officeNumbersOf(prefecture: string, count: number): string[] {
  const numbers: string[] = [];
  for (let n = 0; numbers.length < count; n++) {
    const candidate = `${prefecture}${String(n).padStart(8, '0')}`;
    if (hasValidOfficeCheckDigit(candidate)) numbers.push(candidate);
  }
  return numbers;
}

/** 00:00 JST of the first day of the month before `month`, as a Date */
function termStartFor(month: string): Date {
  const year = Number(month.slice(0, 4));
  const monthIndex = Number(month.slice(4)) - 1;
  return new Date(Date.UTC(year, monthIndex - 1, 1) - 9 * 3_600_000);
}

function yearAfter(date: Date): Date {
  const next = new Date(date.getTime() + 9 * 3_600_000);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return new Date(next.getTime() - 9 * 3_600_000);
}

async function call(url: string, token: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return response;
}

async function count(database: FreshDatabase, sql: string): Promise<number> {
  return (await database.rows<{ n: number }>(sql))[0].n;
}

/** the process and its descendants (run-ts spawns the service as its child) */
function processTree(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  return [pid, ...children.flatMap((child) => processTree(Number(child)))];
}

/** the largest peak resident set (VmHWM, MiB) in the tree since its last resetPeakRss */
function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  return Math.max(
    ...processTree(pid).map((member) => {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${member}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : Number.NaN;
    }),
  );
}

/** starts a new peak-RSS measurement for the tree (Linux: "5" > /proc/PID/clear_refs resets VmHWM) */
function resetPeakRss(pid: number | undefined): void {
  if (pid === undefined) return;
  for (const member of processTree(pid)) writeFileSync(`/proc/${member}/clear_refs`, '5');
}

async function produceLicenceEvents(
  brokers: readonly string[],
  topic: string,
  offices: readonly string[],
  termStart: Date,
): Promise<void> {
  const producer = new Kafka({
    clientId: 'bench-billing',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let start = 0; start < offices.length; start += 1000) {
      const messages = offices.slice(start, start + 1000).map((officeNumber) => {
        const eventId = randomUUID();
        const { value } = encodeEvent(
          'registryLicenceChanged',
          { eventId, producer: 'registry', occurredAt: termStart },
          {
            officeNumber,
            licenceId: randomUUID(),
            serviceTypes: ['43'],
            state: LicenceState.ACTIVE,
            termStart: timestampFromDate(termStart),
            termEnd: timestampFromDate(yearAfter(termStart)),
            autoRenew: true,
            reason: 'bench',
            officeName: `ケアプランセンター${officeNumber.slice(-4)}`,
            version: 2n,
            changedAt: timestampFromDate(termStart),
          },
        );
        return {
          key: officeNumber,
          value: Buffer.from(value),
          headers: { 'event-id': eventId, producer: 'registry' },
        };
      });
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** the remaining licences and their due fees, written directly (seeding; the event path is figure 1) */
async function seedFees(database: FreshDatabase, offices: readonly string[], termStart: Date): Promise<void> {
  const termEnd = yearAfter(termStart);
  for (let start = 0; start < offices.length; start += 50_000) {
    const batch = offices.slice(start, start + 50_000);
    await database.sql(async (client) => {
      await client.query('begin');
      await client.query(
        `insert into billing.licence (office_number, licence_id, prefecture, state, term_start, term_end, version, changed_at,
                                      updated_at, office_name)
         select o, gen_random_uuid(), left(o, 2), 'active', $2, $3, 2, $2, now(), 'ケアプランセンター' || right(o, 4)
         from unnest($1::text[]) as o`,
        [batch, termStart, termEnd],
      );
      await client.query(
        `insert into billing.fee (id, licence_id, office_number, prefecture, term_start, term_end, list_amount_yen,
                                  amount_yen, fee_schedule_id, campaign_id, payment_month, state, attempts, created_at, updated_at)
         select gen_random_uuid(), l.licence_id, l.office_number, l.prefecture, l.term_start, l.term_end, 21000, 21000,
                '00000000-0000-4000-8000-000000000001', null, $2, 'due', 0, now(), now()
         from billing.licence l where l.office_number = any($1::text[])`,
        [batch, MONTH],
      );
      await client.query('commit');
    });
  }
  await database.sql((client) => client.query('analyze billing.licence; analyze billing.fee'));
}

async function main(): Promise<void> {
  const infra = readInfraEnv();
  const perPrefecture = officesPerPrefecture(OFFICES);
  const offices = perPrefecture.flatMap((n, index) => officeNumbersOf(prefectureCode(index), n));
  const termStart = termStartFor(MONTH);
  // the event sample is spread over every prefecture
  const sampleStep = Math.max(1, Math.floor(offices.length / EVENTS));
  const sample = offices.filter((_, index) => index % sampleStep === 0).slice(0, EVENTS);
  const sampled = new Set(sample);
  const seeded = offices.filter((office) => !sampled.has(office));

  const topicPrefix = `${uniqueName('bench_billing').replace(/-/g, '_')}.`;
  const database = await freshDatabase('bench_billing', [billingDefinition]);
  await createTestTopics(infra.kafkaBrokers, topicPrefix, [Topics.registryLicenceChanged.name], 6);
  const tokens = new TestTokens('bench-billing');
  const jwks = await tokens.serveJwks();
  const port = await freePort();
  let billing: RunningProcess | undefined;
  const results: BenchResult[] = [];
  /** the service's peak RSS (MiB) during each phase */
  const phasePeaks: [string, number][] = [];
  try {
    billing = startProcess(
      [
        path.join(repoRoot, 'tools', 'run-ts.mjs'),
        path.join(repoRoot, 'services', 'billing', 'src', 'main.ts'),
      ],
      {
        env: {
          PATH: process.env['PATH'],
          HOME: process.env['HOME'],
          TZ: 'UTC',
          LOG_LEVEL: 'warn',
          LOG_FORMAT: 'json',
          PORT: String(port),
          METRICS_PORT: String(await freePort()),
          DATABASE_URL: database.url,
          KAFKA_BROKERS: infra.kafkaBrokers.join(','),
          KAFKA_TOPIC_PREFIX: topicPrefix,
          // the cluster profile wants an object store even though billing stores none
          ...minioEnv(),
          AUTH_KEY_SET: 'http',
          CERTIFICATE_URL: jwks.url,
          // the job's boot pass must not generate the month the bench times
          BILLING_CYCLE_DAY: '28',
          BILLING_CYCLE_INTERVAL_SECONDS: '86400',
        },
      },
    );
    await waitForReady(`http://127.0.0.1:${port}/health/ready`, billing, 120_000);
    const base = `http://127.0.0.1:${port}`;
    const operator = tokens.token({ officeNumber: 'OPERATOR01', serviceTypes: [] }, { roles: ['operator'] });
    const kokuhoren = (prefecture: string): string =>
      tokens.token(
        { officeNumber: `${prefecture}00000000`, serviceTypes: [] },
        { roles: ['kokuhoren'], prefecture },
      );

    // 1. fees from licence events, through Kafka and the consumer
    phasePeaks.push(['after boot', peakRssMiB(billing.child.pid)]);
    resetPeakRss(billing.child.pid);
    const eventsStart = performance.now();
    await produceLicenceEvents(
      infra.kafkaBrokers,
      `${topicPrefix}${Topics.registryLicenceChanged.name}`,
      sample,
      termStart,
    );
    for (;;) {
      const fees = await count(database, 'select count(*)::int as n from billing.fee');
      if (fees >= sample.length) break;
      if (performance.now() - eventsStart > 600_000) throw new Error(`only ${fees} fees after 600 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const eventsSeconds = (performance.now() - eventsStart) / 1000;
    phasePeaks.push(['licence events', peakRssMiB(billing.child.pid)]);
    results.push({
      name: 'fees from licence events',
      value: round(sample.length / eventsSeconds, 0),
      unit: 'events/s',
      detail: `${sample.length.toLocaleString('en-US')} LicenceChanged → fee in ${round(eventsSeconds, 1)} s (Kafka, one inbox transaction each)`,
    });

    // 2. the rest, seeded
    const seedStart = performance.now();
    await seedFees(database, seeded, termStart);
    const due = await count(database, `select count(*)::int as n from billing.fee where state = 'due'`);
    if (due !== offices.length) throw new Error(`${due} due fees, expected ${offices.length}`);
    console.error(
      `seeded ${seeded.length} licences and fees in ${round((performance.now() - seedStart) / 1000, 1)} s`,
    );

    // 3. cycle generation
    resetPeakRss(billing.child.pid);
    const generateStart = performance.now();
    const cycles = (await (
      await call(`${base}/v1/billing/cycles`, operator, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ month: MONTH }),
      })
    ).json()) as Array<{ cycleId: string; prefecture: string; totals: { requested: { count: number } } }>;
    const generateSeconds = (performance.now() - generateStart) / 1000;
    phasePeaks.push(['cycle generation', peakRssMiB(billing.child.pid)]);
    const requested = cycles.reduce((sum, cycle) => sum + cycle.totals.requested.count, 0);
    if (cycles.length !== 47 || requested !== offices.length) {
      throw new Error(`${cycles.length} cycles requesting ${requested}; expected 47 and ${offices.length}`);
    }
    results.push({
      name: 'cycle generation',
      value: round(generateSeconds, 2),
      unit: 's',
      detail: `47 cycles, ${requested.toLocaleString('en-US')} deductions (POST /v1/billing/cycles)`,
    });

    // 4. CSV export, every 国保連 in turn
    let csvBytes = 0;
    let largest = { prefecture: '', seconds: 0, rows: 0, bytes: 0 };
    resetPeakRss(billing.child.pid);
    const exportStart = performance.now();
    for (const cycle of cycles) {
      const start = performance.now();
      const response = await call(
        `${base}/v1/kokuho/cycles/${cycle.cycleId}/deductions.csv`,
        kokuhoren(cycle.prefecture),
      );
      const bytes = Buffer.from(await response.arrayBuffer());
      const seconds = (performance.now() - start) / 1000;
      const rows =
        iconv
          .decode(bytes, 'cp932')
          .split('\r\n')
          .filter((line) => line.length > 0).length - 1;
      if (rows !== cycle.totals.requested.count) {
        throw new Error(
          `prefecture ${cycle.prefecture}: ${rows} CSV rows, ${cycle.totals.requested.count} deductions`,
        );
      }
      csvBytes += bytes.length;
      if (rows > largest.rows) largest = { prefecture: cycle.prefecture, seconds, rows, bytes: bytes.length };
    }
    const exportSeconds = (performance.now() - exportStart) / 1000;
    phasePeaks.push(['CSV export', peakRssMiB(billing.child.pid)]);
    results.push({
      name: 'CSV export, all 47 cycles',
      value: round(exportSeconds, 2),
      unit: 's',
      detail: `${offices.length.toLocaleString('en-US')} rows, ${round(csvBytes / 1048576, 1)} MiB MS932, one download after another`,
    });
    results.push({
      name: `CSV export, largest (${largest.prefecture})`,
      value: round(largest.seconds, 2),
      unit: 's',
      detail: `${largest.rows.toLocaleString('en-US')} rows, ${round(largest.bytes / 1048576, 1)} MiB`,
    });

    // 5. results of the largest prefecture as one CSV, then reconciliation of every cycle
    const largestCycle = cycles.find((cycle) => cycle.prefecture === largest.prefecture);
    if (!largestCycle) throw new Error('no cycle for the largest prefecture');
    const token = kokuhoren(largest.prefecture);
    await call(`${base}/v1/kokuho/cycles/${largestCycle.cycleId}/acknowledgement`, token, { method: 'POST' });
    const csv = iconv.decode(
      Buffer.from(
        await (
          await call(`${base}/v1/kokuho/cycles/${largestCycle.cycleId}/deductions.csv`, token)
        ).arrayBuffer(),
      ),
      'cp932',
    );
    const lines = csv
      .split('\r\n')
      .filter((line) => line.length > 0)
      .slice(1);
    const resultCsv = [
      '控除ID,事業所番号,結果,理由コード,理由',
      ...lines.map((line, index) => {
        const [deductionId, officeNumber] = line.split(',');
        return index % 100 === 0
          ? `${deductionId},${officeNumber},控除不能,NO_PAYMENT,`
          : `${deductionId},${officeNumber},控除済,,`;
      }),
    ].join('\r\n');
    resetPeakRss(billing.child.pid);
    const resultsStart = performance.now();
    await call(`${base}/v1/kokuho/cycles/${largestCycle.cycleId}/results`, token, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=Shift_JIS' },
      body: iconv.encode(`${resultCsv}\r\n`, 'cp932'),
    });
    const resultsSeconds = (performance.now() - resultsStart) / 1000;
    phasePeaks.push(['results import', peakRssMiB(billing.child.pid)]);
    results.push({
      name: `results import, largest (${largest.prefecture})`,
      value: round(resultsSeconds, 2),
      unit: 's',
      detail: `${lines.length.toLocaleString('en-US')} results in one MS932 CSV (1 % not deductible), cycle closed`,
    });
    let unbalanced = 0;
    resetPeakRss(billing.child.pid);
    const reconcileStart = performance.now();
    for (const cycle of cycles) {
      const report = (await (
        await call(`${base}/v1/kokuho/cycles/${cycle.cycleId}/reconciliation`, kokuhoren(cycle.prefecture))
      ).json()) as { balanced: boolean };
      if (!report.balanced) unbalanced++;
    }
    if (unbalanced > 0) throw new Error(`${unbalanced} cycles do not balance`);
    const reconcileSeconds = (performance.now() - reconcileStart) / 1000;
    phasePeaks.push(['reconciliation', peakRssMiB(billing.child.pid)]);
    results.push({
      name: 'reconciliation, all 47 cycles',
      value: round(reconcileSeconds, 2),
      unit: 's',
      detail: 'every report balanced',
    });
    const worst = phasePeaks.reduce((a, b) => (b[1] > a[1] ? b : a));
    results.push({
      name: 'billing process peak RSS',
      value: round(worst[1], 0),
      unit: 'MiB',
      detail: `per phase: ${phasePeaks.map(([phase, mib]) => `${phase} ${round(mib, 0)}`).join(', ')}`,
    });
    printResults(results, {
      bench: 'billing-cycle',
      offices: offices.length,
      month: MONTH,
      cpus: os.cpus().length,
    });
  } finally {
    await billing?.stop();
    await jwks.close();
    await database.drop();
    await deleteTestTopics(infra.kafkaBrokers, topicPrefix);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
