// Two dev offices with saved profiles and a generated 予定 unit on disk, for unit specs (no platform).
import { KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileDirection, generateUnit, GeneratedUnit, SendUnitType } from '@renkei/careplan';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/pki';
import { AgentContext, createContext } from '../agent.context';
import { encryptPrivateKey } from '../key-encryption';
import { PASSPHRASE_ENV } from '../passphrase';
import { Profile, ProfileSettings, ProfileStore } from '../profile.store';

/** the key passphrase of test profiles */
export const TEST_PASSPHRASE = 'test-key-passphrase-9f3';
/** PBKDF2 iterations of test profiles: the minimum, so that specs that open profiles often stay fast */
export const TEST_KEY_ENCRYPTION = { iterations: 1000 };

export interface TestProfileInput {
  settings: ProfileSettings;
  certificatePem: string;
  privateKey: KeyObject;
  trustAnchorsPem: string;
}

/** Saves a profile named by its office number, its key encrypted under TEST_PASSPHRASE. */
export async function saveTestProfile(home: string, input: TestProfileInput, name?: string): Promise<string> {
  const { privateKey, ...rest } = input;
  const encryptedKeyPem = await encryptPrivateKey(privateKey, TEST_PASSPHRASE, TEST_KEY_ENCRYPTION);
  return new ProfileStore(home).save(name ?? input.settings.officeNumber, { ...rest, encryptedKeyPem });
}

/** The only profile of `home`, unlocked with TEST_PASSPHRASE. */
export async function loadTestProfile(home: string): Promise<Profile> {
  const store = new ProfileStore(home);
  return store.load(await store.select(undefined), async () => TEST_PASSPHRASE);
}

/** an environment with the key passphrase of test profiles and no OS secret store */
export const TEST_ENV: NodeJS.ProcessEnv = { [PASSPHRASE_ENV]: TEST_PASSPHRASE, RENKEI_SECRET_STORE: 'none' };

/** A context whose key passphrase is TEST_PASSPHRASE (environment) and with no OS secret store. */
export function testContext(overrides: Partial<AgentContext> & Pick<AgentContext, 'home'>): AgentContext {
  return createContext({
    secretStore: null,
    ...overrides,
    env: { [PASSPHRASE_ENV]: TEST_PASSPHRASE, ...overrides.env },
  });
}

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
    void (await saveTestProfile(home, {
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
    }));
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
