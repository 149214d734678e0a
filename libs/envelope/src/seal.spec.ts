import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/pki';
import { EnvelopeErrorCode } from './envelope.errors';
import { EnvelopeKind } from './manifest';
import { openEnvelope } from './open';
import { seal, SealParties } from './seal';

const ca = createDevCa();
const rsa = issueOfficeCertificate(ca, { officeNumber: '0300000100', serviceTypes: ['43'], keyType: 'rsa' });
const ec = issueOfficeCertificate(ca, { officeNumber: '0300000005', serviceTypes: ['11'], keyType: 'ec' });
const p384 = issueOfficeCertificate(ca, {
  officeNumber: '1310000009',
  serviceTypes: ['11'],
  keyType: 'ec',
  curve: 'P-384',
});

const files = [
  { name: 'A.CSV', mediaType: 'text/csv', content: Buffer.from('1,予定\r\n') },
  { name: 'EMPTY.CSV', mediaType: 'text/csv', content: new Uint8Array(0) },
  { name: 'B.CSV', mediaType: 'text/csv', content: Buffer.alloc(70_001, 'b') },
];

function sealWith(parties: SealParties) {
  return seal(
    {
      envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
      sender: { officeNumber: '0300000100', serviceType: '43' },
      recipient: { officeNumber: '0300000005', serviceType: '11' },
      kind: EnvelopeKind.Plan,
      targetMonth: '202611',
      fileSequence: '20261124053000',
      createdAt: new Date('2026-11-24T05:30:00Z'),
      files,
    },
    parties,
  );
}

const parties = (sender: DevCredential, recipient: DevCredential): SealParties => ({
  senderCertificate: sender.certificate,
  senderPrivateKey: sender.privateKey,
  recipientCertificate: recipient.certificate,
});

describe(seal.name, () => {
  it('encrypts the files one after the other, empty ones included', async () => {
    const sealed = await sealWith(parties(rsa, ec));

    const opened = await openEnvelope(sealed.der, { certificate: ec.certificate, privateKey: ec.privateKey });

    expect(opened.files.map((f) => Buffer.from(f.content))).toEqual(files.map((f) => Buffer.from(f.content)));
  });

  it('refuses a sender certificate that is not DER with MALFORMED_DER', async () => {
    await expect(
      sealWith({ ...parties(rsa, ec), senderCertificate: rsa.certificate.subarray(0, 100) }),
    ).rejects.toMatchObject({
      code: EnvelopeErrorCode.MALFORMED_DER,
      message: 'sender certificate is not valid DER',
    });
  });

  it('refuses a recipient certificate that is not DER with MALFORMED_DER', async () => {
    await expect(
      sealWith({ ...parties(rsa, ec), recipientCertificate: Buffer.from('not a certificate') }),
    ).rejects.toMatchObject({
      code: EnvelopeErrorCode.MALFORMED_DER,
      message: 'recipient certificate is not valid DER',
    });
  });

  it('refuses a P-384 recipient with UNSUPPORTED_ALGORITHM', async () => {
    await expect(sealWith(parties(rsa, p384))).rejects.toMatchObject({
      code: EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      message: 'recipient certificate key is neither RSA-2048+ nor P-256',
    });
  });

  it('refuses a P-384 sender with UNSUPPORTED_ALGORITHM', async () => {
    await expect(sealWith(parties(p384, ec))).rejects.toMatchObject({
      code: EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
      message: 'sender certificate key is neither RSA-2048+ nor P-256',
    });
  });

  it('checks the sender key before the key algorithms', async () => {
    await expect(sealWith({ ...parties(rsa, p384), senderPrivateKey: ec.privateKey })).rejects.toMatchObject({
      code: EnvelopeErrorCode.INVALID_KEY,
    });
  });

  it('still refuses a wrong sender key after sealing with the right one', async () => {
    await sealWith(parties(ec, rsa));

    await expect(sealWith({ ...parties(ec, rsa), senderPrivateKey: rsa.privateKey })).rejects.toMatchObject({
      code: EnvelopeErrorCode.INVALID_KEY,
      message: 'sender private key does not match the sender certificate',
    });
  });
});
