// Generated, sealed 予定 send units (第6表 + 第7表 + 利用者補足) for e2e tests and benches: the one way they seal a
// unit from one office to another, so the fixtures cannot drift apart.
import { randomUUID } from 'node:crypto';
import { FileDirection, generateUnit, SendUnitType, type GeneratedUnit } from '@renkei/careplan';
import { EnvelopeKind, seal, type Party, type SealedEnvelope } from '@renkei/envelope';
import type { DevCredential } from '@renkei/pki';

export const PLAN_UNIT_MONTH = '202612';

export interface PlanUnitOptions {
  /** the 居宅 side; random when absent */
  readonly sender?: Party;
  /** the service office; random when absent */
  readonly recipient?: Party;
  readonly seed?: number;
  readonly users?: number;
  /** ファイル連番; drawn from the seed when absent */
  readonly sequence?: string;
}

export function planUnit(options: PlanUnitOptions = {}): GeneratedUnit {
  return generateUnit({
    seed: options.seed ?? 1,
    direction: FileDirection.FromPlanner,
    month: PLAN_UNIT_MONTH,
    type: SendUnitType.ServiceUsagePlan,
    planner: options.sender,
    provider: options.recipient,
    users: options.users,
    sequence: options.sequence,
  });
}

/** the number of users that makes a 予定 unit at least `bytes` of plaintext */
export function usersForUnitBytes(bytes: number): number {
  for (let users = 1; users < 200; users++) {
    const size = planUnit({ users }).files.reduce((sum, file) => sum + file.bytes.length, 0);
    if (size >= bytes) return users;
  }
  return 200;
}

export interface SealPlanUnitOptions extends PlanUnitOptions {
  readonly sender: Party;
  readonly recipient: Party;
  /** signs as the sender (another office's credential makes a wrong-signer envelope) */
  readonly signer: DevCredential;
  readonly recipientCertificate: Uint8Array;
  readonly envelopeId?: string;
}

export async function sealPlanUnit(
  options: SealPlanUnitOptions,
): Promise<SealedEnvelope & { unit: GeneratedUnit }> {
  const unit = planUnit(options);
  const sealed = await seal(
    {
      envelopeId: options.envelopeId ?? randomUUID(),
      sender: options.sender,
      recipient: options.recipient,
      kind: EnvelopeKind.Plan,
      targetMonth: PLAN_UNIT_MONTH,
      fileSequence: unit.sequence,
      createdAt: new Date(),
      files: unit.files.map((file) => ({ name: file.fileName, mediaType: 'text/csv', content: file.bytes })),
    },
    {
      senderCertificate: options.signer.certificate,
      senderPrivateKey: options.signer.privateKey,
      recipientCertificate: options.recipientCertificate,
    },
  );
  return { ...sealed, unit };
}
