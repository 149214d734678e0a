import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeKind, seal } from '@renkei/envelope';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { ExitCode } from '../agent.errors';
import { EnvelopeItem } from '../platform-client';
import { Profile } from '../profile.store';
import { loadTestProfile, PLANNER, PROVIDER, setUpOffices, TestOffices } from '../testing/offices';
import { importOrder, openChecked } from './fetch.command';

describe(openChecked.name, () => {
  let dir: string;
  let offices: TestOffices;
  let recipient: Profile;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-fetch-'));
    offices = await setUpOffices(dir);
    recipient = await loadTestProfile(offices.providerHome);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const sealFrom = async (
    senderCert: Uint8Array,
    senderKey: typeof offices.planner.privateKey,
    sender = PLANNER,
  ) =>
    (
      await seal(
        {
          envelopeId: randomUUID(),
          sender,
          recipient: PROVIDER,
          kind: EnvelopeKind.Plan,
          targetMonth: '202611',
          fileSequence: '20261124053000',
          createdAt: new Date(),
          files: offices.unit.files.map((f) => ({
            name: f.fileName,
            mediaType: 'text/csv',
            content: f.bytes,
          })),
        },
        {
          senderCertificate: senderCert,
          senderPrivateKey: senderKey,
          recipientCertificate: offices.provider.certificate,
        },
      )
    ).der;

  it('opens an envelope from a trusted sender, as recipient and as the sender itself', async () => {
    const der = await sealFrom(offices.planner.certificate, offices.planner.privateKey);

    const opened = await openChecked(der, recipient);
    const ownCopy = await openChecked(der, await loadTestProfile(offices.plannerHome));

    expect(opened.files.map((f) => f.name)).toEqual(offices.unit.files.map((f) => f.fileName));
    expect(ownCopy.manifest.envelopeId).toBe(opened.manifest.envelopeId);
  });

  it('refuses a signer that does not chain to the trust anchors (exit 3)', async () => {
    const rogueCa = createDevCa();
    const rogue = issueOfficeCertificate(rogueCa, {
      officeNumber: PLANNER.officeNumber,
      serviceTypes: ['43'],
      keyType: 'ec',
    });

    await expect(
      openChecked(await sealFrom(rogue.certificate, rogue.privateKey), recipient),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_UNTRUSTED',
      exitCode: ExitCode.InvalidInput,
    });
  });

  it('refuses a signer that is not the manifest sender', async () => {
    const der = await sealFrom(offices.planner.certificate, offices.planner.privateKey, {
      officeNumber: '1330000008',
      serviceType: '43',
    });

    await expect(openChecked(der, recipient)).rejects.toMatchObject({ code: 'SIGNER_MISMATCH' });
  });
});

describe(importOrder.name, () => {
  const item = (envelopeId: string, fileSequence: string, name: string): EnvelopeItem =>
    ({
      envelopeId,
      fileSequence,
      sender: PLANNER,
      recipient: PROVIDER,
      files: [{ name, mediaType: 'text/csv', size: 1, sha256: '' }],
    }) as EnvelopeItem;

  it('orders inbox items by ascending ファイル連番', () => {
    const items = [
      item('c', '20261124060000', 'UPPLAN_202611_1310000004_43_1320000001_11_20261124060000.CSV'),
      item('a', '20261101000000', 'UPPLAN_202611_1310000004_43_1320000001_11_20261101000000.CSV'),
      item('b', '20261110000000', 'attachment.pdf'),
    ];

    expect(importOrder(items)).toEqual(['a', 'b', 'c']);
  });
});
