// Check 6 of docs/exchange.md: the manifest's file names form one legal send unit (libs/careplan), and the
// manifest says what the names say. Attachments skip the careplan rules, not the self-send rule.
import { buildSendUnit, CareplanError, CareplanErrorCode, type SendUnit } from '@renkei/careplan';
import { EnvelopeKind, type Manifest, type Party } from '@renkei/envelope';

/** one `details.problems` entry of SEND_UNIT_INVALID */
export interface SendUnitProblem {
  readonly code: string;
  readonly message: string;
}

/**
 * The manifest's kind differs from the kind of unit its names make. libs/careplan has no code for it (the kind
 * is a manifest field, not a name field), so it is intake's; same SEND_UNIT_ prefix.
 */
export const SEND_UNIT_KIND_MISMATCH = 'SEND_UNIT_KIND_MISMATCH';

const label = (party: Party): string => `${party.officeNumber}/${party.serviceType}`;
const sameParty = (a: Party, b: Party): boolean => label(a) === label(b);

/** Every problem with the manifest as a send unit; empty when it is legal. */
export function sendUnitProblems(manifest: Manifest): SendUnitProblem[] {
  if (manifest.kind === EnvelopeKind.Attachment) return selfSendProblems(manifest);
  let unit: SendUnit;
  try {
    unit = buildSendUnit(manifest.files.map((file) => ({ fileName: file.name })));
  } catch (error) {
    if (!(error instanceof CareplanError)) throw error;
    return error.problems.length > 0
      ? error.problems.map(({ code, message }) => ({ code, message }))
      : [{ code: error.code, message: error.message }];
  }
  return manifestAgainstUnit(manifest, unit);
}

function selfSendProblems(manifest: Manifest): SendUnitProblem[] {
  if (!sameParty(manifest.sender, manifest.recipient)) return [];
  const message = `sender and recipient are both ${label(manifest.sender)}`;
  return [{ code: CareplanErrorCode.SendUnitSelfSend, message }];
}

function manifestAgainstUnit(manifest: Manifest, unit: SendUnit): SendUnitProblem[] {
  const problems: SendUnitProblem[] = [];
  if (unit.fileSequence !== manifest.fileSequence) {
    const message = `the names' ファイル連番 ${unit.fileSequence} differs from the manifest's ${manifest.fileSequence}`;
    problems.push({ code: CareplanErrorCode.SendUnitSequenceMismatch, message });
  }
  for (const [role, named, declared] of [
    ['sender', unit.sender, manifest.sender],
    ['recipient', unit.recipient, manifest.recipient],
  ] as const) {
    if (!sameParty(named, declared)) {
      const message = `the names' ${role} ${label(named)} differs from the manifest's ${label(declared)}`;
      problems.push({ code: CareplanErrorCode.SendUnitPartyMismatch, message });
    }
  }
  if (unit.targetMonth !== manifest.targetMonth) {
    const message = `the unit's 対象年月 ${unit.targetMonth} differs from the manifest's ${manifest.targetMonth}`;
    problems.push({ code: CareplanErrorCode.SendUnitMonthMismatch, message });
  }
  if (unit.kind !== (manifest.kind as string)) {
    const message = `the names make a ${unit.kind} unit, the manifest says ${manifest.kind}`;
    problems.push({ code: SEND_UNIT_KIND_MISMATCH, message });
  }
  return problems;
}
