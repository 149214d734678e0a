import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDirection, generateUnit, GeneratedUnit, SendUnitType } from '@renkei/careplan';
import { seal, EnvelopeKind } from '@renkei/envelope';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { AgentError } from '../agent.errors';
import { Profile } from '../profile.store';
import { loadTestProfile, PLANNER, PROVIDER, setUpOffices, TestOffices } from '../testing/offices';
import { InboxFailureRecord, InboxJournal } from './inbox.journal';
import { OutboxStore, OutboxUnit } from './outbox.store';
import { FakePlatform } from './testing/fake-platform';
import { retryable, WatchClient, WatchEvent, Watcher, WatcherOptions } from './watcher';

const NO_WAIT = { initialMs: 1, maxMs: 1 };

/** waits (up to 2 s) until a running watcher has told `event` */
async function eventSeen(events: readonly WatchEvent[], event: string): Promise<void> {
  for (let i = 0; i < 200 && !events.some((e) => e.event === event); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function unitOf(sequence: string, seed = 7): GeneratedUnit {
  return generateUnit({
    seed,
    direction: FileDirection.FromPlanner,
    month: '202611',
    type: SendUnitType.ServiceUsagePlan,
    planner: PLANNER,
    provider: PROVIDER,
    sequence,
  });
}

describe(Watcher.name, () => {
  let dir: string;
  let offices: TestOffices;
  let platform: FakePlatform;
  let planner: Profile;
  let provider: Profile;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-watch-'));
    offices = await setUpOffices(dir);
    planner = await loadTestProfile(offices.plannerHome);
    provider = await loadTestProfile(offices.providerHome);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(dir, 'case-'));
    platform = new FakePlatform(offices.ca);
    platform.publish(PLANNER.officeNumber, offices.planner.certificatePem);
    platform.publish(PROVIDER.officeNumber, offices.provider.certificatePem);
  });

  const folders = (who: 'planner' | 'provider') => ({
    exportDir: join(work, who, 'export'),
    importDir: join(work, who, 'import'),
    archiveDir: join(work, who, 'archive'),
    rejectedDir: join(work, who, 'rejected'),
    queueDir: join(work, who, 'queue'),
  });

  function watcher(
    who: 'planner' | 'provider',
    extra: Partial<WatcherOptions> = {},
    events: WatchEvent[] = [],
  ) {
    const profile = who === 'planner' ? planner : provider;
    const party = who === 'planner' ? PLANNER : PROVIDER;
    return new Watcher(profile, platform.clientFor(party), {
      ...folders(who),
      once: true,
      settleMs: 0,
      backoff: NO_WAIT,
      log: (e) => events.push(e),
      ...extra,
    });
  }

  function drop(unit: GeneratedUnit, who: 'planner' | 'provider' = 'planner'): void {
    const { exportDir } = folders(who);
    mkdirSync(exportDir, { recursive: true });
    for (const file of unit.files) writeFileSync(join(exportDir, file.fileName), file.bytes);
  }

  const exportNames = (): string[] =>
    readdirSync(folders('planner').exportDir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);

  async function units(): Promise<OutboxUnit[]> {
    const store = new OutboxStore(folders('planner').queueDir);
    return store.load();
  }

  it('stages, seals, sends and archives a unit under its envelope id, then the recipient imports and receipts it', async () => {
    const unit = unitOf('20261124090000');
    drop(unit);

    const summary = await watcher('planner').run();

    expect(summary).toMatchObject({ sent: 1, archived: 1, rejected: 0, pendingOutbox: 0 });
    expect(platform.posts).toHaveLength(1);
    const [envelopeId] = platform.posts;
    const [state] = await units();
    expect(state).toMatchObject({ state: 'archived', envelopeId, duplicate: false });
    expect(exportNames()).toEqual([]);
    const archived = readdirSync(join(folders('planner').archiveDir, envelopeId)).sort();
    expect(archived).toEqual(unit.files.map((f) => f.fileName).sort());
    for (const file of unit.files) {
      expect(readFileSync(join(folders('planner').archiveDir, envelopeId, file.fileName))).toEqual(
        Buffer.from(file.bytes),
      );
    }

    const received = await watcher('provider').run();

    expect(received).toMatchObject({ imported: 1, receipted: 1, pendingInbox: 0 });
    for (const file of unit.files) {
      expect(readFileSync(join(folders('provider').importDir, file.fileName))).toEqual(
        Buffer.from(file.bytes),
      );
    }
    expect(readdirSync(folders('provider').importDir).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(platform.envelopes.get(envelopeId)?.recipientReceipt).toEqual({
      verdict: 'accepted',
      reasons: [],
    });

    // a restart imports nothing again
    const again = await watcher('provider').run();
    expect(again).toMatchObject({ imported: 0, receipted: 0 });
    expect(platform.envelopes.get(envelopeId)?.downloads).toBe(1);
  });

  it('moves an invalid unit to rejected/ with a Japanese reason file and sends nothing', async () => {
    const unit = unitOf('20261124091000');
    drop(unit);
    // the 第7表 alone is not a legal send unit
    rmSync(join(folders('planner').exportDir, unit.files[0].fileName));
    writeFileSync(join(folders('planner').exportDir, 'notes.txt'), 'x');

    const summary = await watcher('planner').run();

    expect(summary).toMatchObject({ sent: 0, rejected: 2 });
    expect(platform.posts).toEqual([]);
    expect(exportNames()).toEqual([]);
    const rejected = readdirSync(folders('planner').rejectedDir);
    expect(rejected).toHaveLength(2);
    const reasons = rejected.map((d) =>
      readFileSync(join(folders('planner').rejectedDir, d, '理由.txt'), 'utf8'),
    );
    expect(reasons.join('\n')).toContain('送信しませんでした');
    expect(reasons.join('\n')).toContain('ファイル名が正しくありません');
  });

  it('--once sends only files left alone for the settle interval', async () => {
    const unit = unitOf('20261124092000');
    drop(unit);
    let now = Date.now();
    expect(await watcher('planner', { settleMs: 5_000, now: () => new Date(now) }).run()).toMatchObject({
      sent: 0,
    });
    expect(platform.posts).toEqual([]);
    now += 6_000;
    expect(await watcher('planner', { settleMs: 5_000, now: () => new Date(now) }).run()).toMatchObject({
      sent: 1,
    });
  });

  it('keeps the queue while the platform is down and sends each unit once when it is back', async () => {
    drop(unitOf('20261124093000', 1));
    drop(unitOf('20261124094000', 2));
    platform.down = true;
    const events: WatchEvent[] = [];

    const offline = await watcher('planner', {}, events).run();

    expect(offline).toMatchObject({ sent: 0, pendingOutbox: 2, waitingOn: 'PLATFORM_UNREACHABLE' });
    expect((await units()).map((u) => u.state)).toEqual(['staged', 'staged']);
    expect(events.some((e) => e.event === 'unit.retry' && e.code === 'PLATFORM_UNREACHABLE')).toBe(true);
    // the later unit to the same recipient waits for the earlier one
    expect(events.filter((e) => e.event === 'unit.retry')).toHaveLength(1);

    platform.down = false;
    const online = await watcher('planner').run();

    expect(online).toMatchObject({ sent: 2, archived: 2, pendingOutbox: 0 });
    expect(platform.posts).toHaveLength(2);
    expect(exportNames()).toEqual([]);
  });

  describe('crash points (the on-disk state a crash leaves, then a restart)', () => {
    it('an interrupted staging (no unit.json) is removed and the unit staged again from the export', async () => {
      const unit = unitOf('20261124100000');
      drop(unit);
      const partial = join(
        folders('planner').queueDir,
        'outbox',
        '20261124100000_1310000004-43_1320000001-11',
      );
      mkdirSync(join(partial, 'files'), { recursive: true });
      writeFileSync(join(partial, 'files', unit.files[0].fileName), 'half');

      expect(await watcher('planner').run()).toMatchObject({ sent: 1, archived: 1 });
      expect(platform.posts).toHaveLength(1);
    });

    it('staged with an envelope written but not recorded: sealed again (nothing was posted), sent once', async () => {
      const unit = unitOf('20261124101000');
      drop(unit);
      const store = new OutboxStore(folders('planner').queueDir);
      await store.init();
      const files = unit.files.map((f) => ({ name: f.fileName, mediaType: 'text/csv', content: f.bytes }));
      const staged = await store.stage(
        {
          key: '20261124101000_1310000004-43_1320000001-11',
          fileSequence: unit.sequence,
          kind: 'plan',
          targetMonth: '202611',
          sender: PLANNER,
          recipient: PROVIDER,
        },
        files,
        new Date(),
      );
      const orphan = await seal(
        {
          envelopeId: '00000000-0000-4000-8000-000000000001',
          sender: PLANNER,
          recipient: PROVIDER,
          kind: EnvelopeKind.Plan,
          targetMonth: '202611',
          fileSequence: unit.sequence,
          createdAt: new Date(),
          files,
        },
        {
          senderCertificate: planner.certificate,
          senderPrivateKey: planner.privateKey,
          recipientCertificate: provider.certificate,
        },
      );
      await store.writeEnvelope(staged, orphan.der);

      expect(await watcher('planner').run()).toMatchObject({ sent: 1 });
      expect(platform.posts).toHaveLength(1);
      expect(platform.posts[0]).not.toBe('00000000-0000-4000-8000-000000000001');
    });

    it('sealed and posted, but the answer lost (or the agent killed): the same bytes again, a duplicate, sent once', async () => {
      drop(unitOf('20261124102000'));
      platform.loseAnswers = 1;

      const first = await watcher('planner').run();

      expect(first).toMatchObject({ sent: 0, waitingOn: 'PLATFORM_UNREACHABLE' });
      const [sealed] = await units();
      expect(sealed.state).toBe('sealed');
      expect(platform.posts).toEqual([sealed.envelopeId]);

      const restarted = await watcher('planner').run();

      expect(restarted).toMatchObject({ sent: 1, archived: 1 });
      expect(platform.posts).toEqual([sealed.envelopeId]);
      const [sent] = await units();
      expect(sent).toMatchObject({ state: 'archived', envelopeId: sealed.envelopeId, duplicate: true });
    });

    it('sent but not archived (the archive step failed): archived on restart, never sent again', async () => {
      const unit = unitOf('20261124103000');
      drop(unit);
      const envelopeIdDir = (id: string) => join(folders('planner').archiveDir, id);

      const events: WatchEvent[] = [];
      const w = watcher('planner', {}, events);
      const original = (
        w as unknown as { archiveUnit: (u: OutboxUnit) => Promise<OutboxUnit> }
      ).archiveUnit.bind(w);
      let failures = 0;
      (w as unknown as { archiveUnit: (u: OutboxUnit) => Promise<OutboxUnit> }).archiveUnit = async (u) => {
        if (failures++ === 0) throw new Error('disk full');
        return original(u);
      };
      const first = await w.run();
      expect(first).toMatchObject({ sent: 1, archived: 0 });
      const [sent] = await units();
      expect(sent.state).toBe('sent');
      expect(exportNames().sort()).toEqual(unit.files.map((f) => f.fileName).sort());

      const restarted = await watcher('planner').run();

      expect(restarted).toMatchObject({ sent: 0, archived: 1 });
      expect(platform.posts).toHaveLength(1);
      expect(readdirSync(envelopeIdDir(sent.envelopeId as string)).sort()).toEqual(
        unit.files.map((f) => f.fileName).sort(),
      );
      expect(exportNames()).toEqual([]);
    });

    it('the same unit exported again after it was sent is refused as a duplicate, not sent twice', async () => {
      const unit = unitOf('20261124104000');
      drop(unit);
      await watcher('planner').run();
      drop(unit);

      const again = await watcher('planner').run();

      expect(again).toMatchObject({ sent: 0, rejected: 1 });
      expect(platform.posts).toHaveLength(1);
      const [reason] = readdirSync(folders('planner').rejectedDir);
      expect(readFileSync(join(folders('planner').rejectedDir, reason, '理由.txt'), 'utf8')).toContain(
        '送信済み',
      );
    });

    it('a unit older than one already sent to the same recipient is refused (it would be imported out of order)', async () => {
      drop(unitOf('20261124110000', 8));
      await watcher('planner').run();
      const older = unitOf('20261124103000', 9);
      drop(older);
      const events: WatchEvent[] = [];

      const late = await watcher('planner', {}, events).run();

      expect(late).toMatchObject({ sent: 0, rejected: 1 });
      expect(platform.posts).toHaveLength(1);
      expect(events).toContainEqual(
        expect.objectContaining({ event: 'unit.rejected', code: 'WATCH_SEQUENCE_BEHIND' }),
      );
      const [reason] = readdirSync(folders('planner').rejectedDir);
      expect(readdirSync(join(folders('planner').rejectedDir, reason)).sort()).toEqual(
        [...older.files.map((f) => f.fileName), '理由.txt'].sort(),
      );
      expect(readFileSync(join(folders('planner').rejectedDir, reason, '理由.txt'), 'utf8')).toContain(
        '20261124110000',
      );
    });

    it('import killed while writing its temps (not journaled): the leftovers go, the unit is imported once', async () => {
      const unit = unitOf('20261124104500');
      drop(unit);
      await watcher('planner').run();
      const [envelopeId] = platform.posts;
      const importDir = folders('provider').importDir;
      mkdirSync(importDir, { recursive: true });
      const [first] = unit.files;
      // what writeDurable leaves when killed: a whole temp of one file, a half one of the next (its own temp)
      writeFileSync(join(importDir, `.renkei-${envelopeId}-${first.fileName}.tmp`), first.bytes);
      writeFileSync(join(importDir, `..renkei-${envelopeId}-${first.fileName}.tmp.0a1b2c.tmp`), 'half');
      // another watcher's temp in a shared folder is not this one's to remove
      const foreign = '.renkei-00000000-0000-4000-8000-000000000000-OTHER.CSV.tmp';
      writeFileSync(join(importDir, foreign), 'theirs');

      expect(await watcher('provider').run()).toMatchObject({ imported: 1, receipted: 1 });

      expect(readdirSync(importDir).sort()).toEqual([foreign, ...unit.files.map((f) => f.fileName)].sort());
    });

    it('import interrupted between renames: the rest is renamed, nothing written twice, one receipt', async () => {
      const unit = unitOf('20261124105000');
      drop(unit);
      await watcher('planner').run();
      const [envelopeId] = platform.posts;
      // a first pass that stops right after journaling `importing` (as if killed before the renames)
      const importDir = folders('provider').importDir;
      const journal = new InboxJournal(folders('provider').queueDir);
      const w = watcher('provider');
      const original = journal.save.bind(journal);
      let killed = false;
      jest.spyOn(InboxJournal.prototype, 'save').mockImplementation(async function (
        this: InboxJournal,
        entry,
      ) {
        await original.call(this, entry);
        if (entry.state === 'importing' && !killed) {
          killed = true;
          throw new Error('killed');
        }
      });
      await w.run();
      jest.restoreAllMocks();
      const [entry] = await journal.list();
      expect(entry.state).toBe('importing');
      expect(readdirSync(importDir).filter((n) => !n.startsWith('.'))).toEqual([]);
      // one file was renamed before the crash, and the care software already took it away
      const [first, second] = entry.files;
      writeFileSync(first.target, readFileSync(first.temp));
      rmSync(first.temp);
      rmSync(first.target);

      const restarted = await watcher('provider').run();

      expect(restarted).toMatchObject({ receipted: 1 });
      expect(existsSync(first.target)).toBe(false);
      expect(existsSync(second.target)).toBe(true);
      expect(readdirSync(importDir).filter((n) => n.startsWith('.'))).toEqual([]);
      expect(platform.envelopes.get(envelopeId)?.downloads).toBe(1);
      expect(platform.envelopes.get(envelopeId)?.recipientReceipt?.verdict).toBe('accepted');
    });

    it('imported but the receipt not recorded (platform down): receipted on restart without importing again', async () => {
      drop(unitOf('20261124105900'));
      await watcher('planner').run();
      const [envelopeId] = platform.posts;
      const client = platform.clientFor(PROVIDER);
      const w = new Watcher(
        provider,
        { ...client, postReceipt: () => Promise.reject(unreachable()) },
        {
          ...folders('provider'),
          once: true,
          settleMs: 0,
          backoff: NO_WAIT,
        },
      );
      expect(await w.run()).toMatchObject({ imported: 1, receipted: 0, waitingOn: 'PLATFORM_UNREACHABLE' });

      const restarted = await watcher('provider').run();

      expect(restarted).toMatchObject({ imported: 0, receipted: 1 });
      expect(platform.envelopes.get(envelopeId)?.downloads).toBe(1);
    });
  });

  it('a receipt recorded whose answer was lost: the journal catches up from the inbox, nothing posted again', async () => {
    drop(unitOf('20261124105930'));
    await watcher('planner').run();
    const [envelopeId] = platform.posts;
    const client = platform.clientFor(PROVIDER);
    let posted = 0;
    const lostAnswer = new Watcher(
      provider,
      {
        ...client,
        postReceipt: async (id, der) => {
          posted += 1;
          await client.postReceipt(id, der);
          throw unreachable(); // recorded by the platform, the answer never arrives
        },
      },
      { ...folders('provider'), once: true, settleMs: 0, backoff: NO_WAIT },
    );
    expect(await lostAnswer.run()).toMatchObject({ imported: 1, receipted: 0 });
    const journal = new InboxJournal(folders('provider').queueDir);
    expect((await journal.get(envelopeId))?.state).toBe('imported');

    const restarted = new Watcher(
      provider,
      { ...client, postReceipt: () => Promise.reject(new Error('must not post again')) },
      { ...folders('provider'), once: true, settleMs: 0, backoff: NO_WAIT },
    );

    expect(await restarted.run()).toMatchObject({ imported: 0, receipted: 1 });
    expect((await journal.get(envelopeId))?.state).toBe('receipted');
    expect(posted).toBe(1);
    expect(platform.envelopes.get(envelopeId)?.downloads).toBe(1);
  });

  it('records why receiving fails for renkei status, and removes the record once a pass works', async () => {
    const record = new InboxFailureRecord(folders('provider').queueDir);
    platform.down = true;
    await watcher('provider').run();
    await watcher('provider').run();

    expect(await record.read()).toMatchObject({
      attempts: 1, // a watcher's own count: each of these runs made one attempt
      lastError: { code: 'PLATFORM_UNREACHABLE' },
    });
    const failingSince = (await record.read())?.failingSince;
    expect(failingSince).toBeDefined();

    platform.down = false;
    await watcher('provider').run();

    expect(await record.read()).toBeUndefined();
  });

  it("leaves another profile's units in a shared export folder to that profile's watcher", async () => {
    const theirs = generateUnit({
      seed: 11,
      direction: FileDirection.FromProvider,
      month: '202611',
      type: SendUnitType.Actual,
      planner: PLANNER,
      provider: PROVIDER,
      sequence: '20261124113000',
    });
    drop(theirs); // the provider's 実績 in the planner's export folder
    const events: WatchEvent[] = [];
    const shared = {
      otherProfiles: [{ officeNumber: PROVIDER.officeNumber, serviceTypes: [PROVIDER.serviceType] }],
    };

    const first = await watcher('planner', shared, events).run();

    expect(first).toMatchObject({ sent: 0, rejected: 0, pendingOutbox: 0 });
    expect(exportNames().sort()).toEqual(theirs.files.map((f) => f.fileName).sort());
    expect(events.filter((e) => e.event === 'unit.skipped')).toHaveLength(1);
    // without such a profile in the home, it is a unit this office cannot send
    expect(await watcher('planner').run()).toMatchObject({ rejected: 1 });
    expect(platform.posts).toHaveLength(0);
  });

  it('imports in ascending ファイル連番 whatever order the units were sent in', async () => {
    drop(unitOf('20261124120000', 3));
    await watcher('planner').run();
    drop(unitOf('20261124110000', 4));
    // another queue (the office's second machine, say): this watcher's outbox would refuse the older 連番
    await watcher('planner', { queueDir: join(work, 'planner', 'other-queue') }).run();
    expect(platform.posts).toHaveLength(2);
    const events: WatchEvent[] = [];

    await watcher('provider', {}, events).run();

    expect(events.filter((e) => e.event === 'unit.imported').map((e) => e.fileSequence)).toEqual([
      '20261124110000',
      '20261124120000',
    ]);
  });

  it('keeps watching until stopped: units dropped while it runs are sent, stop() ends the loop after the step', async () => {
    const events: WatchEvent[] = [];
    const w = watcher('planner', { once: false, push: false, settleMs: 20, scanIntervalMs: 10 }, events);
    const running = w.run();
    drop(unitOf('20261124160000'));
    await eventSeen(events, 'unit.sent');
    w.stop();

    expect(await running).toMatchObject({ sent: 1 });
    expect(platform.posts).toHaveLength(1);
  });

  it('when the platform answers again (push connected), a unit waiting out a long backoff goes at once', async () => {
    const events: WatchEvent[] = [];
    const slow = { initialMs: 600_000, maxMs: 600_000 };
    const w = watcher(
      'planner',
      { once: false, push: false, settleMs: 0, scanIntervalMs: 10, backoff: slow },
      events,
    );
    platform.down = true;
    const running = w.run();
    drop(unitOf('20261124161000'));
    await eventSeen(events, 'unit.retry');
    platform.down = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(platform.posts).toHaveLength(0); // still waiting out its 5–10 minutes

    w.platformReachable();
    await eventSeen(events, 'unit.sent');
    w.stop();

    expect(await running).toMatchObject({ sent: 1 });
    expect(platform.posts).toHaveLength(1);
  });

  it('an arrival that does not verify gets a signed rejection, is never imported, and does not hold up later units', async () => {
    const unit = unitOf('20261124140000');
    const stranger = issueOfficeCertificate(createDevCa(), {
      officeNumber: PLANNER.officeNumber,
      serviceTypes: ['43'],
      keyType: 'ec',
    });
    const forged = await seal(
      {
        envelopeId: '00000000-0000-4000-8000-000000000002',
        sender: PLANNER,
        recipient: PROVIDER,
        kind: EnvelopeKind.Plan,
        targetMonth: '202611',
        fileSequence: unit.sequence,
        createdAt: new Date(),
        files: unit.files.map((f) => ({ name: f.fileName, mediaType: 'text/csv', content: f.bytes })),
      },
      {
        senderCertificate: stranger.certificate,
        senderPrivateKey: stranger.privateKey,
        recipientCertificate: provider.certificate,
      },
    );
    await platform.clientFor(PLANNER).postEnvelope(forged.der);
    drop(unitOf('20261124150000', 9));
    await watcher('planner').run();
    const events: WatchEvent[] = [];

    const summary = await watcher('provider', {}, events).run();

    expect(summary).toMatchObject({ imported: 1, receipted: 1 });
    expect(platform.envelopes.get('00000000-0000-4000-8000-000000000002')?.recipientReceipt?.verdict).toBe(
      'rejected',
    );
    expect(events.filter((e) => e.event === 'unit.imported').map((e) => e.fileSequence)).toEqual([
      '20261124150000',
    ]);
    for (const file of unit.files)
      expect(existsSync(join(folders('provider').importDir, file.fileName))).toBe(false);
    expect((await watcher('provider').run()).imported).toBe(0);
  });

  describe('the inbox mark (<queue>/inbox-mark.json)', () => {
    /** the planner's units reach the provider's inbox in this order (numbered 1, 2, …); their envelope ids */
    async function sendInOrder(...sequences: string[]): Promise<string[]> {
      const ids: string[] = [];
      for (const [i, sequence] of sequences.entries()) {
        const unit = unitOf(sequence, 20 + i);
        const sealed = await seal(
          {
            envelopeId: randomUUID(),
            sender: PLANNER,
            recipient: PROVIDER,
            kind: EnvelopeKind.Plan,
            targetMonth: '202611',
            fileSequence: unit.sequence,
            createdAt: new Date(),
            files: unit.files.map((f) => ({ name: f.fileName, mediaType: 'text/csv', content: f.bytes })),
          },
          {
            senderCertificate: planner.certificate,
            senderPrivateKey: planner.privateKey,
            recipientCertificate: provider.certificate,
          },
        );
        ids.push((await platform.clientFor(PLANNER).postEnvelope(sealed.der)).envelopeId);
      }
      return ids;
    }

    function providerWatcher(overrides: Partial<WatchClient> = {}): Watcher {
      return new Watcher(
        provider,
        { ...platform.clientFor(PROVIDER), ...overrides },
        { ...folders('provider'), once: true, settleMs: 0, backoff: NO_WAIT },
      );
    }

    const markFile = () => join(folders('provider').queueDir, 'inbox-mark.json');
    const markOf = (): unknown =>
      existsSync(markFile())
        ? (JSON.parse(readFileSync(markFile(), 'utf8')) as { since: number }).since
        : undefined;
    const providerListings = () =>
      platform.listings
        .filter((listing) => listing.officeNumber === PROVIDER.officeNumber)
        .map(({ since, envelopeIds }) => ({ since, envelopeIds }));

    it('advances only over the handled prefix of arrivals, and a restart lists from the mark', async () => {
      // numbered 1, 2, 3; imported in ファイル連番 order 1, 3, 2
      const [first, second, third] = await sendInOrder('20261124100000', '20261124120000', '20261124110000');
      const client = platform.clientFor(PROVIDER);
      const failing = providerWatcher({
        downloadContent: (id) => (id === second ? Promise.reject(unreachable()) : client.downloadContent(id)),
      });

      expect(await failing.run()).toMatchObject({
        imported: 2,
        receipted: 2,
        waitingOn: 'PLATFORM_UNREACHABLE',
      });
      // a new watcher (no mark) lists the whole inbox; the 3rd is done but the 2nd holds the mark at 1
      expect(providerListings()).toEqual([{ since: 0, envelopeIds: [first, second, third] }]);
      expect(markOf()).toBe(1);

      const restarted = await providerWatcher().run();

      expect(restarted).toMatchObject({ imported: 1, receipted: 1, pendingInbox: 0 });
      expect(providerListings().at(-1)).toEqual({ since: 1, envelopeIds: [second, third] });
      expect(markOf()).toBe(3);
      expect([first, second, third].map((id) => platform.envelopes.get(id)?.downloads)).toEqual([1, 1, 1]);

      expect(await providerWatcher().run()).toMatchObject({ imported: 0, receipted: 0 });
      expect(providerListings().at(-1)).toEqual({ since: 3, envelopeIds: [] });
      expect(markOf()).toBe(3);
    });

    it('a pending earlier arrival keeps the later handled ones listed again, never imported twice', async () => {
      // numbered 1, 2; imported 2 then 1, whose receipt does not get through
      const [earlier, later] = await sendInOrder('20261124120000', '20261124110000');
      const client = platform.clientFor(PROVIDER);
      const receiptFails = {
        postReceipt: (id: string, der: Uint8Array) =>
          id === earlier ? Promise.reject(unreachable()) : client.postReceipt(id, der),
      };
      const events: WatchEvent[] = [];

      expect(await providerWatcher(receiptFails).run()).toMatchObject({ imported: 2, receipted: 1 });
      expect(markOf()).toBeUndefined();
      expect(await providerWatcher(receiptFails).run()).toMatchObject({ imported: 0, receipted: 0 });
      expect(providerListings()).toEqual([
        { since: 0, envelopeIds: [earlier, later] },
        { since: 0, envelopeIds: [earlier, later] },
      ]);

      const w = new Watcher(provider, platform.clientFor(PROVIDER), {
        ...folders('provider'),
        once: true,
        settleMs: 0,
        backoff: NO_WAIT,
        log: (e) => events.push(e),
      });
      expect(await w.run()).toMatchObject({ imported: 0, receipted: 1 });

      expect(markOf()).toBe(2);
      expect(events.filter((e) => e.event === 'unit.imported')).toEqual([]);
      expect(platform.envelopes.get(earlier)?.recipientReceipt?.verdict).toBe('accepted');
      expect([earlier, later].map((id) => platform.envelopes.get(id)?.downloads)).toEqual([1, 1]);
    });

    it('an unreadable mark starts from 0 again, and the journal keeps anything from being imported twice', async () => {
      const [only] = await sendInOrder('20261124100000');
      expect(await providerWatcher().run()).toMatchObject({ imported: 1 });
      expect(markOf()).toBe(1);
      writeFileSync(markFile(), '{"version":1,');

      expect(await providerWatcher().run()).toMatchObject({ imported: 0, receipted: 0 });

      expect(providerListings().at(-1)).toEqual({ since: 0, envelopeIds: [only] });
      expect(markOf()).toBe(1);
      expect(platform.envelopes.get(only)?.downloads).toBe(1);
    });
  });

  it('a refusal retrying cannot cure moves the unit to rejected/ and never seals it again', async () => {
    const unit = unitOf('20261124130000');
    drop(unit);
    const client = platform.clientFor(PLANNER);
    const refusing = {
      ...client,
      postEnvelope: () =>
        Promise.reject(new AgentError('SEND_UNIT_INVALID', 'not a legal send unit', 4, { status: 422 })),
    };
    const w = new Watcher(planner, refusing, {
      ...folders('planner'),
      once: true,
      settleMs: 0,
      backoff: NO_WAIT,
    });

    expect(await w.run()).toMatchObject({ sent: 0, rejected: 1, pendingOutbox: 0 });
    const [refused] = await units();
    expect(refused).toMatchObject({ state: 'refused', refusal: { code: 'SEND_UNIT_INVALID' } });
    expect(exportNames()).toEqual([]);
    expect(await watcher('planner').run()).toMatchObject({ sent: 0 });
    expect(platform.posts).toEqual([]);
  });
});

describe(retryable.name, () => {
  it('retries connection failures, 5xx, settling refusals and unknown errors; not other refusals', () => {
    expect(retryable(unreachable())).toBe(true);
    expect(retryable(new AgentError('X', 'm', 4, { status: 503 }))).toBe(true);
    expect(retryable(new AgentError('RECIPIENT_UNKNOWN', 'm', 4, { status: 422 }))).toBe(true);
    expect(retryable(new Error('EIO'))).toBe(true);
    expect(retryable(new AgentError('SEND_UNIT_INVALID', 'm', 4, { status: 422 }))).toBe(false);
    expect(retryable(new AgentError('ENVELOPE_ID_CONFLICT', 'm', 4, { status: 409 }))).toBe(false);
  });
});

function unreachable(): AgentError {
  return new AgentError('PLATFORM_UNREACHABLE', 'down', 5);
}
