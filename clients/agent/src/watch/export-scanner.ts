// The export folder as send units: regular files (not hidden, not in subfolders) grouped by ファイル連番 and the
// parties in their names; a group is ready when every file has been left alone for the settle interval (the same
// size and mtime as at the previous look, and modified at least `settleMs` ago; --once: the age only), and no
// earlier unit to the same recipient is still being written (units leave in ascending ファイル連番 per recipient).
// Names that do not parse form groups of their own, so they are reported (rejected) rather than silently left behind.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tryParseFileName } from '@renkei/careplan';

export interface ExportGroup {
  /** <連番>_<sender>_<recipient>, or `invalid_<n>` for a name that does not parse */
  key: string;
  /** the sender its names give (absent when a name does not parse) */
  sender?: { officeNumber: string; serviceType: string | null };
  /** sorted by name */
  names: string[];
  /** the name did not parse: the reason */
  unparsable?: string;
}

interface Seen {
  size: number;
  mtimeMs: number;
}

export class ExportScanner {
  private previous = new Map<string, Seen>();

  constructor(
    private readonly dir: string,
    private readonly settleMs: number,
    /** also require the same size and mtime as at the previous look (a long-running watcher); a single pass
     * (--once) can only go by the age of the files */
    private readonly secondLook = true,
  ) {}

  /** the groups whose every file is settled; files still changing hold their whole group back */
  async scan(now: number): Promise<ExportGroup[]> {
    const entries = await fs.readdir(this.dir, { withFileTypes: true });
    const current = new Map<string, Seen>();
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      try {
        const stat = await fs.stat(path.join(this.dir, entry.name));
        current.set(entry.name, { size: stat.size, mtimeMs: stat.mtimeMs });
      } catch {
        // gone between readdir and stat
      }
    }
    const previous = this.previous;
    this.previous = current;
    const settled = (name: string): boolean => {
      const seen = current.get(name) as Seen;
      if (this.settleMs <= 0) return true;
      const before = previous.get(name);
      const unchanged = before !== undefined && before.size === seen.size && before.mtimeMs === seen.mtimeMs;
      return (unchanged || !this.secondLook) && now - seen.mtimeMs >= this.settleMs;
    };
    return readyInOrder(groupExportNames([...current.keys()]), (group) => group.names.every(settled));
  }
}

/**
 * The groups ready to take, holding back every later group of a stream (the same sender and recipient) behind one
 * that is not ready yet: the recipient imports in ascending ファイル連番, so a unit must not overtake an earlier one
 * the care software is still writing. `groups` are in key order, i.e. ascending 連番.
 */
export function readyInOrder(
  groups: readonly ExportGroup[],
  ready: (group: ExportGroup) => boolean,
): ExportGroup[] {
  const held = new Set<string>();
  const taken: ExportGroup[] = [];
  for (const group of groups) {
    const stream = group.unparsable === undefined ? streamOfKey(group.key) : undefined;
    if (stream !== undefined && held.has(stream)) continue;
    if (ready(group)) taken.push(group);
    else if (stream !== undefined) held.add(stream);
  }
  return taken;
}

/** the sender and recipient part of a unit key (`<連番>_<sender>_<recipient>`) */
export function streamOfKey(key: string): string {
  return key.slice(key.indexOf('_') + 1);
}

export function unitKeyOf(
  sequence: string,
  sender: { officeNumber: string; serviceType: string | null },
  recipient: { officeNumber: string; serviceType: string | null },
): string {
  const party = (p: { officeNumber: string; serviceType: string | null }): string =>
    `${p.officeNumber}-${p.serviceType ?? 'xx'}`;
  return `${sequence}_${party(sender)}_${party(recipient)}`;
}

/** groups file names into candidate send units (by the name alone; the contents are checked later) */
export function groupExportNames(names: readonly string[]): ExportGroup[] {
  const groups = new Map<string, ExportGroup>();
  for (const name of [...names].sort()) {
    const parsed = tryParseFileName(name);
    if (!parsed.ok) {
      const key = `invalid_${groups.size}`;
      groups.set(key, { key, names: [name], unparsable: parsed.error.message });
      continue;
    }
    const key = unitKeyOf(parsed.value.sequence, parsed.value.sender, parsed.value.receiver);
    const group = groups.get(key) ?? { key, names: [], sender: { ...parsed.value.sender } };
    group.names.push(name);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
