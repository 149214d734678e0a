import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/pki';
import { toArrayBuffer } from './der';
import { childrenOf, readRoot, Tlv } from './der-reader';
import { encodeDer } from './der-writer';
import { eccCmsSharedInfo, envelopedDataElement, x963Sha256Kdf } from './enveloped-data.builder';
import { buildEnvelopedDataWithPkijs, decryptWithPkijs } from './fixtures/pkijs-enveloped-data.builder';
import { OID_AES256_WRAP } from './oids';
import { SealingCertificates } from './sealing-certificates';

const ca = createDevCa();
const office = (officeNumber: string, keyType: 'rsa' | 'ec') =>
  issueOfficeCertificate(ca, { officeNumber, serviceTypes: ['43'], keyType });
const rsaA = office('1310000011', 'rsa');
const rsaB = office('1310000029', 'rsa');
const ecA = office('1310000037', 'ec');
const ecB = office('1310000045', 'ec');

const certificates = new SealingCertificates();
const read = (c: DevCredential) => certificates.read(c.certificate, 'test certificate');

/** random on each run (keys, IV, ukm, ephemeral point, ciphertext): compared by length only */
const RANDOM_CONTENT_TAGS = new Set([0x03, 0x04, 0x80]);

/** one line per element, depth first: depth, tag, length, and the contents of every non-random primitive */
function layoutOf(der: Uint8Array): string[] {
  const lines: string[] = [];
  const visit = (tlv: Tlv, depth: number): void => {
    const length = tlv.end - tlv.valueStart;
    if (tlv.constructed) {
      lines.push(`${depth} ${tlv.tag.toString(16)} ${length}`);
      for (const child of childrenOf(der, tlv)) visit(child, depth + 1);
      return;
    }
    const contents = RANDOM_CONTENT_TAGS.has(tlv.tag)
      ? '*'
      : Buffer.from(der.subarray(tlv.valueStart, tlv.end)).toString('hex');
    lines.push(`${depth} ${tlv.tag.toString(16)} ${length} ${contents}`);
  };
  visit(readRoot(der), 0);
  return lines;
}

describe(envelopedDataElement.name, () => {
  it.each([
    ['an EC recipient and an RSA sender, 100 bytes', ecA, rsaA, 100],
    ['an RSA recipient and an EC sender, 0 bytes', rsaA, ecA, 0],
    ['two RSA keys, 70 KB (three length octets)', rsaA, rsaB, 70_000],
    ['two EC keys, 32 bytes (a whole padding block)', ecA, ecB, 32],
  ])('keeps the layout pkijs wrote, for %s', async (_what, recipient, sender, size) => {
    const plaintext = randomBytes(size);

    const direct = encodeDer(envelopedDataElement([plaintext], [read(recipient), read(sender)]));
    const reference = await buildEnvelopedDataWithPkijs(plaintext, [
      recipient.certificate,
      sender.certificate,
    ]);

    expect(layoutOf(direct)).toEqual(layoutOf(reference));
  });

  it.each([
    ['RSA-OAEP', rsaA, ecA],
    ['ECDH', ecA, rsaA],
  ])(
    'decrypts with pkijs to the parts joined, for the recipient (%s) and the sender',
    async (_what, r, s) => {
      const parts = [Buffer.from('1,予定\r\n'), new Uint8Array(0), randomBytes(5000), randomBytes(16)];
      const der = encodeDer(envelopedDataElement(parts, [read(r), read(s)]));

      const forRecipient = await decryptWithPkijs(der, 0, { certificate: r.certificate, pkcs8: pkcs8Of(r) });
      const forSender = await decryptWithPkijs(der, 1, { certificate: s.certificate, pkcs8: pkcs8Of(s) });

      expect(forRecipient.equals(Buffer.concat(parts))).toBe(true);
      expect(forSender.equals(Buffer.concat(parts))).toBe(true);
    },
  );

  it('uses a fresh content key and IV for every envelope', () => {
    const plaintext = Buffer.alloc(64, 1);
    const once = () => Buffer.from(encodeDer(envelopedDataElement([plaintext], [read(rsaA), read(rsaB)])));

    const [a, b] = [once(), once()];

    // the ciphertext ends the DER; equal keys and IVs would give equal blocks
    expect(a.subarray(-80).equals(b.subarray(-80))).toBe(false);
  });
});

describe('key agreement helpers', () => {
  it('writes ECC-CMS-SharedInfo as pkijs did', () => {
    const ukm = randomBytes(64);
    const reference = new pkijs.ECCCMSSharedInfo({
      keyInfo: new pkijs.AlgorithmIdentifier({ algorithmId: OID_AES256_WRAP }),
      entityUInfo: new asn1js.OctetString({ valueHex: toArrayBuffer(ukm) }),
      suppPubInfo: new asn1js.OctetString({ valueHex: Uint8Array.of(0, 0, 1, 0).buffer }),
    });

    expect(Buffer.from(eccCmsSharedInfo(ukm))).toEqual(Buffer.from(reference.toSchema().toBER(false)));
  });

  it('derives the key encryption key as the pkijs X9.63 KDF does', async () => {
    const sharedSecret = randomBytes(32);
    const sharedInfo = eccCmsSharedInfo(randomBytes(64));

    const reference = await pkijs.kdf('SHA-256', toArrayBuffer(sharedSecret), 256, toArrayBuffer(sharedInfo));

    expect(x963Sha256Kdf(sharedSecret, sharedInfo)).toEqual(Buffer.from(reference));
  });
});

function pkcs8Of(credential: DevCredential): Uint8Array {
  return credential.privateKey.export({ type: 'pkcs8', format: 'der' });
}
