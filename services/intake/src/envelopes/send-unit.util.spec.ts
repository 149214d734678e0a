import {
  CareplanErrorCode,
  FileDirection,
  FileKind,
  generateUnit,
  SendUnitType,
  type GeneratedUnit,
} from '@renkei/careplan';
import { EnvelopeKind, type Manifest } from '@renkei/envelope';
import { SEND_UNIT_KIND_MISMATCH, sendUnitProblems } from './send-unit.util';

function planUnit(): GeneratedUnit {
  return generateUnit({
    seed: 7,
    direction: FileDirection.FromPlanner,
    month: '202611',
    type: SendUnitType.ServiceUsagePlan,
    users: 1,
  });
}

function manifestOf(unit: GeneratedUnit, overrides: Partial<Manifest> = {}): Manifest {
  return {
    version: 1,
    envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
    sender: { ...unit.sender },
    recipient: { ...unit.recipient },
    kind: EnvelopeKind.Plan,
    targetMonth: '202611',
    fileSequence: unit.sequence,
    createdAt: '2026-11-24T05:30:00.000Z',
    files: unit.files.map((file) => ({
      name: file.fileName,
      mediaType: 'text/csv',
      size: file.bytes.length,
      sha256: '0'.repeat(64),
    })),
    ...overrides,
  };
}

const codesOf = (manifest: Manifest): string[] => sendUnitProblems(manifest).map((p) => p.code);

describe(sendUnitProblems.name, () => {
  it('finds nothing wrong with a legal plan unit whose manifest says what its names say', () => {
    expect(sendUnitProblems(manifestOf(planUnit()))).toEqual([]);
  });

  it('passes on libs/careplan problems of an illegal combination', () => {
    const unit = planUnit();
    const manifest = manifestOf(unit);
    const withoutPlan = manifest.files.filter((f) => !f.name.startsWith(`${FileKind.UpPlan}_`));

    expect(codesOf({ ...manifest, files: withoutPlan })).toEqual([
      CareplanErrorCode.SendUnitIllegalCombination,
    ]);
  });

  it('refuses a manifest whose fileSequence, parties, month or kind differ from the names', () => {
    const unit = planUnit();
    const other = { officeNumber: '9999999999', serviceType: '11' };

    expect(
      codesOf(
        manifestOf(unit, {
          fileSequence: '20261101000000',
          recipient: other,
          targetMonth: '202612',
          kind: EnvelopeKind.Actual,
        }),
      ),
    ).toEqual([
      CareplanErrorCode.SendUnitSequenceMismatch,
      CareplanErrorCode.SendUnitPartyMismatch,
      CareplanErrorCode.SendUnitMonthMismatch,
      SEND_UNIT_KIND_MISMATCH,
    ]);
  });

  it('reports a name that does not parse with its own code', () => {
    const manifest = manifestOf(planUnit());
    const files = [{ ...manifest.files[0], name: 'notes.txt' }];

    expect(codesOf({ ...manifest, files })).toHaveLength(1);
    expect(codesOf({ ...manifest, files })[0]).toMatch(/^FILE_NAME_/);
  });

  it('skips the careplan rules for an attachment, but still refuses a self-send', () => {
    const unit = planUnit();
    const files = [{ name: 'scan.pdf', mediaType: 'application/pdf', size: 10, sha256: '0'.repeat(64) }];
    const attachment = manifestOf(unit, { kind: EnvelopeKind.Attachment, files });

    expect(sendUnitProblems(attachment)).toEqual([]);
    expect(codesOf({ ...attachment, recipient: { ...unit.sender } })).toEqual([
      CareplanErrorCode.SendUnitSelfSend,
    ]);
  });
});
