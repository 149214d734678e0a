import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/pki';
import { EnvelopeKind } from './manifest';
import { OID_ENVELOPED_DATA } from './oids';
import { seal } from './seal';

// interop with Debian's `openssl cms`: it must verify our SignedData and decrypt our EnvelopedData
const ca = createDevCa();
const rsaOffice = issueOfficeCertificate(ca, {
  officeNumber: '0300000100',
  serviceTypes: ['43'],
  keyType: 'rsa',
});
const ecOffice = issueOfficeCertificate(ca, {
  officeNumber: '0300000005',
  serviceTypes: ['11'],
  keyType: 'ec',
});
const files = [
  {
    name: 'UPPLAN_202611_0300000100_43_0300000005_11_20261124053000.CSV',
    content: Buffer.from('1,予定\r\n'),
  },
  {
    name: 'UPHOSOKU_202611_0300000100_43_0300000005_11_20261124053000.CSV',
    content: Buffer.from('2,補足\r\n'),
  },
];
const plaintext = Buffer.concat(files.map((f) => f.content));

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'renkei-envelope-'));
  writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
  for (const [name, office] of [
    ['rsa', rsaOffice],
    ['ec', ecOffice],
  ] as const) {
    writeFileSync(join(dir, `${name}.pem`), office.certificatePem);
    writeFileSync(join(dir, `${name}.key`), office.privateKeyPem, { mode: 0o600 });
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openssl(...args: string[]): Buffer {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function sealTo(sender: DevCredential, recipient: DevCredential, file: string): Promise<void> {
  const sealed = await seal(
    {
      envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
      sender: { officeNumber: '0300000100', serviceType: '43' },
      recipient: { officeNumber: '0300000005', serviceType: '11' },
      kind: EnvelopeKind.Plan,
      targetMonth: '202611',
      fileSequence: '20261124053000',
      createdAt: new Date('2026-11-24T05:30:00Z'),
      files: files.map((f) => ({ ...f, mediaType: 'text/csv' })),
    },
    {
      senderCertificate: sender.certificate,
      senderPrivateKey: sender.privateKey,
      recipientCertificate: recipient.certificate,
    },
  );
  writeFileSync(join(dir, file), sealed.der);
}

/** `openssl cms -decrypt` wants a ContentInfo; the SignedData carries the bare EnvelopedData. */
function wrapAsContentInfo(envelopedDer: Buffer): Buffer {
  const contentInfo = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID_ENVELOPED_DATA }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [asn1js.fromBER(envelopedDer).result],
      }),
    ],
  });
  return Buffer.from(contentInfo.toBER(false));
}

describe('openssl cms interoperability', () => {
  it.each([
    ['RSA', rsaOffice, ecOffice, 'rsa-to-ec'],
    ['P-256', ecOffice, rsaOffice, 'ec-to-rsa'],
  ])('verifies the %s signature against the dev CA', async (_what, sender, recipient, name) => {
    await sealTo(sender, recipient, `${name}.der`);

    openssl(
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      `${name}.der`,
      '-CAfile',
      'ca.pem',
      '-purpose',
      'any',
      '-out',
      `${name}.content`,
    );

    const content = readFileSync(join(dir, `${name}.content`));
    expect(asn1js.fromBER(content).offset).toBe(content.byteLength);
  });

  it.each([
    ['an EC recipient (ECDH key agreement)', rsaOffice, ecOffice, 'ec', 'to-ec'],
    ['an RSA recipient (RSA-OAEP)', ecOffice, rsaOffice, 'rsa', 'to-rsa'],
    ['the RSA sender itself', rsaOffice, ecOffice, 'rsa', 'from-rsa'],
    ['the EC sender itself', ecOffice, rsaOffice, 'ec', 'from-ec'],
  ])('decrypts to the concatenated files for %s', async (_what, sender, recipient, key, name) => {
    await sealTo(sender, recipient, `${name}.der`);
    openssl('cms', '-verify', '-noverify', '-inform', 'DER', '-in', `${name}.der`, '-out', `${name}.content`);
    writeFileSync(join(dir, `${name}.p7m`), wrapAsContentInfo(readFileSync(join(dir, `${name}.content`))));

    const decrypted = openssl(
      'cms',
      '-decrypt',
      '-inform',
      'DER',
      '-in',
      `${name}.p7m`,
      '-inkey',
      `${key}.key`,
      '-recip',
      `${key}.pem`,
    );

    expect(decrypted).toEqual(plaintext);
  });

  it('refuses the signature once the signed manifest is changed', async () => {
    await sealTo(rsaOffice, ecOffice, 'tampered.der');
    const der = readFileSync(join(dir, 'tampered.der'));
    // 202611 -> 202610 inside the manifest attribute: the DER stays well-formed
    const at = der.indexOf('"targetMonth":"202611"') + '"targetMonth":"20261'.length;
    der[at] ^= 0x01;
    writeFileSync(join(dir, 'tampered.der'), der);

    expect(() =>
      openssl(
        'cms',
        '-verify',
        '-noverify',
        '-inform',
        'DER',
        '-in',
        'tampered.der',
        '-out',
        'tampered.content',
      ),
    ).toThrow(/signature failure|verification failure/i);
  });
});
