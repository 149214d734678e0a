import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDirection, generateUnit, SendUnitType } from '@renkei/careplan';
import { ExportScanner, groupExportNames, readyInOrder } from './export-scanner';

const PLANNER = { officeNumber: '1310000004', serviceType: '43' };
const PROVIDER = { officeNumber: '1320000001', serviceType: '11' };
const OTHER_PROVIDER = { officeNumber: '1320000019', serviceType: '15' };
const unit = (sequence: string, provider = PROVIDER) =>
  generateUnit({
    seed: 5,
    direction: FileDirection.FromPlanner,
    month: '202611',
    type: SendUnitType.ServiceUsagePlan,
    planner: PLANNER,
    provider,
    sequence,
  });

describe(groupExportNames.name, () => {
  it('groups by ファイル連番 and parties; a name that does not parse is a group of its own', () => {
    const a = unit('20261124090000').files.map((f) => f.fileName);
    const b = unit('20261124091500').files.map((f) => f.fileName);

    const groups = groupExportNames([...b, 'readme.txt', ...a]);

    expect(groups.filter((g) => !g.unparsable)).toEqual([
      { key: '20261124090000_1310000004-43_1320000001-11', names: [...a].sort(), sender: PLANNER },
      { key: '20261124091500_1310000004-43_1320000001-11', names: [...b].sort(), sender: PLANNER },
    ]);
    expect(groups.filter((g) => g.unparsable)).toEqual([
      expect.objectContaining({ names: ['readme.txt'], unparsable: expect.any(String) }),
    ]);
  });
});

describe(readyInOrder.name, () => {
  it('holds the later units to a recipient behind an earlier one not ready yet, and only those', () => {
    const groups = groupExportNames(
      [
        unit('20261124090000'),
        unit('20261124091500'),
        unit('20261124093000'),
        unit('20261124091000', OTHER_PROVIDER),
        unit('20261124092000', OTHER_PROVIDER),
      ].flatMap((u) => u.files.map((f) => f.fileName)),
    );
    const notReady = new Set(['20261124091500_1310000004-43_1320000001-11']);

    const taken = readyInOrder(groups, (g) => !notReady.has(g.key)).map((g) => g.key);

    expect(taken).toEqual([
      '20261124090000_1310000004-43_1320000001-11',
      '20261124091000_1310000004-43_1320000019-15',
      '20261124092000_1310000004-43_1320000019-15',
    ]);
  });
});

describe(ExportScanner.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-scan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds a group back until every file is unchanged since the last look and older than the settle interval', async () => {
    const [first, second] = unit('20261124090000').files;
    const old = Date.now() / 1000 - 60;
    writeFileSync(join(dir, first.fileName), first.bytes);
    utimesSync(join(dir, first.fileName), old, old);
    const scanner = new ExportScanner(dir, 5_000);
    const now = Date.now();

    expect(await scanner.scan(now)).toEqual([]); // first look
    writeFileSync(join(dir, second.fileName), second.bytes); // the second file arrives, fresh
    expect(await scanner.scan(now)).toEqual([]);
    utimesSync(join(dir, second.fileName), old, old);
    expect(await scanner.scan(now)).toEqual([]); // changed since the last look
    const ready = await scanner.scan(now);
    expect(ready.map((g) => g.names.length)).toEqual([2]);
  });

  it('ignores hidden files (temp names) and subfolders', async () => {
    writeFileSync(join(dir, '.UPPLAN.tmp'), 'x');
    expect(await new ExportScanner(dir, 0).scan(Date.now())).toEqual([]);
  });
});
