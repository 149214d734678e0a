// Two dev offices with saved profiles and a generated 予定 unit on disk, for unit specs (no platform).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileDirection, generateUnit, GeneratedUnit, SendUnitType } from '@renkei/careplan';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/pki';
import { ProfileStore } from '../profile.store';

export interface TestOffices {
  ca: DevCredential;
  planner: DevCredential;
  provider: DevCredential;
  plannerHome: string;
  providerHome: string;
  unit: GeneratedUnit;
  unitDir: string;
}

export const PLANNER = { officeNumber: '1310000004', serviceType: '43' };
export const PROVIDER = { officeNumber: '1320000001', serviceType: '11' };

export async function setUpOffices(dir: string): Promise<TestOffices> {
  const ca = createDevCa();
  const planner = issueOfficeCertificate(ca, {
    officeNumber: PLANNER.officeNumber,
    serviceTypes: ['43'],
    keyType: 'ec',
  });
  const provider = issueOfficeCertificate(ca, {
    officeNumber: PROVIDER.officeNumber,
    serviceTypes: ['11'],
    keyType: 'rsa',
  });
  const save = async (home: string, office: DevCredential, party: typeof PLANNER): Promise<void> =>
    new ProfileStore(home).save({
      settings: {
        version: 1,
        officeNumber: party.officeNumber,
        serviceTypes: [party.serviceType],
        platformUrl: 'http://platform.test',
        certificateSha256: office.fingerprint,
        createdAt: new Date().toISOString(),
      },
      certificatePem: office.certificatePem,
      privateKey: office.privateKey,
      trustAnchorsPem: ca.certificatePem,
    });
  const plannerHome = join(dir, 'planner');
  const providerHome = join(dir, 'provider');
  await save(plannerHome, planner, PLANNER);
  await save(providerHome, provider, PROVIDER);
  const unit = generateUnit({
    seed: 42,
    direction: FileDirection.FromPlanner,
    month: '202611',
    type: SendUnitType.ServiceUsagePlan,
    planner: PLANNER,
    provider: PROVIDER,
    sequence: '20261124053000',
  });
  const unitDir = join(dir, 'unit');
  mkdirSync(unitDir);
  for (const file of unit.files) writeFileSync(join(unitDir, file.fileName), file.bytes);
  return { ca, planner, provider, plannerHome, providerHome, unit, unitDir };
}
