import { validateUpload } from './dto/office-master-upload.dto';
import { officeInput } from './fixtures/office-master.fixtures';
import { ChangeKind, diffMaster } from './office-master.diff';
import { ABSENT_FROM_UPLOAD, MasterOffice, MasterRecord, MasterStatus } from './office-master.types';

const offices = (...inputs: ReturnType<typeof officeInput>[]): readonly MasterOffice[] =>
  validateUpload('13', { asOf: '2026-12-01', offices: inputs.map((values, i) => ({ row: i + 1, values })) })
    .offices;

const current = (...records: MasterRecord[]): Map<string, MasterRecord> =>
  new Map(records.map((record) => [record.officeNumber, record]));

const recordOf = (office: MasterOffice, statusReason: string | null = null): MasterRecord => ({
  ...office,
  statusReason,
});

describe(diffMaster.name, () => {
  const [a, b, c, d] = offices(
    officeInput('13', 1),
    officeInput('13', 2),
    officeInput('13', 3),
    officeInput('13', 4),
  );

  it('adds every office to an empty master', () => {
    const sut = diffMaster(new Map(), [a, b]);

    expect(sut.counts).toEqual({ added: 2, changed: 0, closed: 0, unchanged: 0 });
    expect(sut.changes.map((change) => [change.kind, change.record.officeNumber])).toEqual([
      [ChangeKind.ADDED, a.officeNumber],
      [ChangeKind.ADDED, b.officeNumber],
    ]);
  });

  it('names the changed fields, counts unchanged offices and closes the absent ones', () => {
    const [renamed] = offices(officeInput('13', 2, { name: '新しい名前', serviceTypes: ['43', '46'] }));
    const [closing] = offices(officeInput('13', 4, { status: 'closed' }));

    const sut = diffMaster(current(recordOf(a), recordOf(b), recordOf(c), recordOf(d)), [
      a,
      renamed,
      closing,
    ]);

    expect(sut.counts).toEqual({ added: 0, changed: 1, closed: 2, unchanged: 1 });
    expect(sut.changes).toEqual([
      { kind: ChangeKind.CHANGED, record: recordOf(renamed), changedFields: ['name', 'serviceTypes'] },
      { kind: ChangeKind.CLOSED, record: recordOf(closing), changedFields: ['status'] },
      {
        kind: ChangeKind.CLOSED,
        record: { ...recordOf(c), status: MasterStatus.CLOSED, statusReason: ABSENT_FROM_UPLOAD },
        changedFields: ['status', 'statusReason'],
      },
    ]);
  });

  it('leaves an office closed earlier alone while it stays absent, and reopens it when it comes back', () => {
    const closed = { ...recordOf(c), status: MasterStatus.CLOSED, statusReason: ABSENT_FROM_UPLOAD };

    expect(diffMaster(current(recordOf(a), closed), [a]).changes).toEqual([]);
    expect(diffMaster(current(closed), [c]).changes).toEqual([
      { kind: ChangeKind.CHANGED, record: recordOf(c), changedFields: ['status', 'statusReason'] },
    ]);
  });
});
