// What an upload changes in a prefecture's master: the upload is the whole master, so an office it leaves out
// is closed ("absent from upload"); an office it names again comes back with the uploaded values.
import { ABSENT_FROM_UPLOAD, MasterOffice, MasterRecord, MasterStatus } from './office-master.types';

export enum ChangeKind {
  ADDED = 'added',
  CHANGED = 'changed',
  CLOSED = 'closed',
}

/** one office whose entry the upload changes */
export interface MasterChange {
  readonly kind: ChangeKind;
  readonly record: MasterRecord;
  /** the fields that differ from the current entry (every field for an added office) */
  readonly changedFields: readonly string[];
}

export interface MasterDiff {
  readonly changes: readonly MasterChange[];
  readonly counts: { added: number; changed: number; closed: number; unchanged: number };
}

const FIELDS = [
  'name',
  'nameKana',
  'serviceTypes',
  'status',
  'statusReason',
  'designatedFrom',
  'designatedTo',
  'postalCode',
  'address',
] as const satisfies readonly (keyof MasterRecord)[];

/** the changes turning `current` (the prefecture's entries by office number) into `uploaded` */
export function diffMaster(
  current: ReadonlyMap<string, MasterRecord>,
  uploaded: readonly MasterOffice[],
): MasterDiff {
  const changes: MasterChange[] = [];
  const counts = { added: 0, changed: 0, closed: 0, unchanged: 0 };
  const seen = new Set<string>();
  for (const office of uploaded) {
    seen.add(office.officeNumber);
    const record: MasterRecord = { ...office, statusReason: null };
    const before = current.get(office.officeNumber);
    if (!before) {
      changes.push({ kind: ChangeKind.ADDED, record, changedFields: [...FIELDS] });
      counts.added += 1;
      continue;
    }
    const changedFields = FIELDS.filter((field) => !same(before[field], record[field]));
    if (changedFields.length === 0) {
      counts.unchanged += 1;
      continue;
    }
    const closing = record.status === MasterStatus.CLOSED && before.status !== MasterStatus.CLOSED;
    changes.push({ kind: closing ? ChangeKind.CLOSED : ChangeKind.CHANGED, record, changedFields });
    counts[closing ? 'closed' : 'changed'] += 1;
  }
  for (const [officeNumber, before] of current) {
    if (seen.has(officeNumber) || before.status === MasterStatus.CLOSED) continue;
    changes.push({
      kind: ChangeKind.CLOSED,
      record: { ...before, status: MasterStatus.CLOSED, statusReason: ABSENT_FROM_UPLOAD },
      changedFields: before.statusReason === ABSENT_FROM_UPLOAD ? ['status'] : ['status', 'statusReason'],
    });
    counts.closed += 1;
  }
  return { changes, counts };
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.join(' ') === b.join(' ');
  return a === b;
}
