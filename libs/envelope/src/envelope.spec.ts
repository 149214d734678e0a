import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/pki';
import { readOfficeIdentity } from './certificate-profile';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { encodeManifest, EnvelopeKind, Manifest } from './manifest';
import { openEnvelope } from './open';
import { seal, SealInput, sealRaw, signContent } from './seal';
import { parseEnvelope, verifyEnvelope, verifySignature } from './verify';

// keys are generated once per file: RSA generation dominates the run time
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
const thirdParty = issueOfficeCertificate(ca, {
  officeNumber: '1310000009',
  serviceTypes: ['15'],
  keyType: 'ec',
});
const otherRsa = issueOfficeCertificate(ca, {
  officeNumber: '1310000017',
  serviceTypes: ['43'],
  keyType: 'rsa',
});

const planCsv = Buffer.from('1,予定,0300000100\r\n', 'utf8');
const supplementCsv = Buffer.from('2,補足\r\n', 'utf8');

function anInput(overrides: Partial<SealInput> = {}): SealInput {
  return {
    envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
    sender: { officeNumber: '0300000100', serviceType: '43' },
    recipient: { officeNumber: '0300000005', serviceType: '11' },
    kind: EnvelopeKind.Plan,
    targetMonth: '202611',
    fileSequence: '20261124053000',
    createdAt: new Date('2026-11-24T05:30:00Z'),
    files: [
      {
        name: 'UPPLAN_202611_0300000100_43_0300000005_11_20261124053000.CSV',
        mediaType: 'text/csv',
        content: planCsv,
      },
      {
        name: 'UPHOSOKU_202611_0300000100_43_0300000005_11_20261124053000.CSV',
        mediaType: 'text/csv',
        content: supplementCsv,
      },
    ],
    ...overrides,
  };
}

function sealFrom(sender: DevCredential, recipient: DevCredential, input = anInput()) {
  return seal(input, {
    senderCertificate: sender.certificate,
    senderPrivateKey: sender.privateKey,
    recipientCertificate: recipient.certificate,
  });
}

function manifestFor(files: { name: string; content: Uint8Array }[]): Manifest {
  return {
    version: 1,
    envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
    sender: { officeNumber: '0300000100', serviceType: '43' },
    recipient: { officeNumber: '0300000005', serviceType: '11' },
    kind: EnvelopeKind.Actual,
    targetMonth: '202611',
    fileSequence: '20261124053000',
    createdAt: '2026-11-24T05:30:00.000Z',
    files: files.map((f) => ({
      name: f.name,
      mediaType: 'text/csv',
      size: f.content.byteLength,
      sha256: createHash('sha256').update(f.content).digest('hex'),
    })),
  };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof EnvelopeError ? error.code : `not an EnvelopeError: ${String(error)}`;
  }
  return undefined;
}

/** Re-encodes an envelope after `change` has edited its SignedData. */
function rewrite(der: Uint8Array, change: (signedData: pkijs.SignedData) => void): Uint8Array {
  const contentInfo = pkijs.ContentInfo.fromBER(der);
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  change(signedData);
  const out = new pkijs.ContentInfo({ contentType: contentInfo.contentType, content: signedData.toSchema() });
  return new Uint8Array(out.toSchema().toBER(false));
}

function flipByteOf(der: Uint8Array, part: Uint8Array, offsetInPart: number): Uint8Array {
  const at = Buffer.from(der).indexOf(Buffer.from(part));
  expect(at).toBeGreaterThan(0);
  const copy = new Uint8Array(der);
  copy[at + offsetInPart] ^= 0x01;
  return copy;
}

describe('envelope', () => {
  describe('round trip', () => {
    it.each([
      ['RSA sender to EC recipient', rsaOffice, ecOffice],
      ['EC sender to RSA recipient', ecOffice, rsaOffice],
      ['RSA to RSA', rsaOffice, otherRsa],
      ['EC to EC', ecOffice, thirdParty],
    ])('opens what it seals: %s', async (_what, sender, recipient) => {
      const sealed = await sealFrom(sender, recipient);

      const opened = await openEnvelope(sealed.der, {
        certificate: recipient.certificate,
        privateKey: recipient.privateKey,
      });

      expect(opened.files.map((f) => Buffer.from(f.content))).toEqual([planCsv, supplementCsv]);
      expect(opened.files.map((f) => f.name)).toEqual(anInput().files.map((f) => f.name));
      expect(opened.manifest).toEqual(sealed.manifest);
      expect(opened.signerCertificate.sha256).toBe(sender.fingerprint);
    });

    it('lets the sender reopen what it sent', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);

      const opened = await openEnvelope(sealed.der, {
        certificate: rsaOffice.certificate,
        privateKey: rsaOffice.privateKey,
      });

      expect(Buffer.from(opened.files[0].content)).toEqual(planCsv);
    });

    it('keeps an empty file in the unit', async () => {
      const input = anInput({
        files: [{ name: 'EMPTY.CSV', mediaType: 'text/csv', content: new Uint8Array() }],
      });
      const sealed = await sealFrom(ecOffice, rsaOffice, input);

      const opened = await openEnvelope(sealed.der, {
        certificate: rsaOffice.certificate,
        privateKey: rsaOffice.privateKey,
      });

      expect(opened.files[0].content.byteLength).toBe(0);
    });
  });

  describe('verification at the door', () => {
    it('returns manifest, signer certificate and content digest without a private key', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);

      const verified = verifyEnvelope(sealed.der);

      expect(verified.manifest).toEqual(sealed.manifest);
      expect(verified.signerCertificate.sha256).toBe(rsaOffice.fingerprint);
      expect(Buffer.from(verified.signerCertificate.der)).toEqual(Buffer.from(rsaOffice.certificate));
      expect(verified.contentSha256).toBe(sealed.contentSha256);
      expect(verified.contentSha256).toBe(createHash('sha256').update(verified.content).digest('hex'));
      expect(verified.manifestSha256).toBe(
        createHash('sha256').update(encodeManifest(sealed.manifest)).digest('hex'),
      );
    });

    it('verifies with a cached public key in place of the certificate', async () => {
      const sealed = await sealFrom(ecOffice, rsaOffice);
      const parsed = parseEnvelope(sealed.der);
      const cachedKey = new X509Certificate(ecOffice.certificate).publicKey;

      expect(() => verifySignature(parsed, { publicKey: cachedKey })).not.toThrow();
      expect(
        codeOf(() =>
          verifySignature(parsed, { publicKey: new X509Certificate(thirdParty.certificate).publicKey }),
        ),
      ).toBe(EnvelopeErrorCode.SIGNATURE_INVALID);
    });

    it('exposes the office identity of the signer under the dev profile', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);

      expect(readOfficeIdentity(verifyEnvelope(sealed.der).signerCertificate.der)).toEqual({
        officeNumber: '0300000100',
        serviceTypes: ['43'],
      });
    });
  });

  describe('rejections', () => {
    it('refuses a third party with NOT_A_RECIPIENT', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);

      await expect(
        openEnvelope(sealed.der, { certificate: thirdParty.certificate, privateKey: thirdParty.privateKey }),
      ).rejects.toMatchObject({ code: EnvelopeErrorCode.NOT_A_RECIPIENT });
    });

    it('refuses a private key that does not belong to the certificate with INVALID_KEY', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);

      await expect(
        openEnvelope(sealed.der, { certificate: ecOffice.certificate, privateKey: thirdParty.privateKey }),
      ).rejects.toMatchObject({ code: EnvelopeErrorCode.INVALID_KEY });
    });

    it('gives SIGNATURE_INVALID for tampered ciphertext', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);
      const content = parseEnvelope(sealed.der).content;
      const tampered = flipByteOf(sealed.der, content, content.byteLength - 3);

      expect(codeOf(() => verifyEnvelope(tampered))).toBe(EnvelopeErrorCode.SIGNATURE_INVALID);
      await expect(
        openEnvelope(tampered, { certificate: ecOffice.certificate, privateKey: ecOffice.privateKey }),
      ).rejects.toMatchObject({ code: EnvelopeErrorCode.SIGNATURE_INVALID });
    });

    it('gives SIGNATURE_INVALID for a tampered manifest', async () => {
      const sealed = await sealFrom(ecOffice, rsaOffice);
      const manifestBytes = parseEnvelope(sealed.der).manifestBytes;
      const at =
        new TextDecoder().decode(manifestBytes).indexOf('"targetMonth":"202611"') +
        '"targetMonth":"20261'.length;
      // 202611 -> 202610: still a valid manifest, so only the signature can catch it
      const tampered = flipByteOf(sealed.der, manifestBytes, at);

      expect(parseEnvelope(tampered).manifest.targetMonth).toBe('202610');
      expect(codeOf(() => verifyEnvelope(tampered))).toBe(EnvelopeErrorCode.SIGNATURE_INVALID);
    });

    it('gives SIGNATURE_INVALID when the envelope names a signer that did not sign it', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);
      const impostor = pkijs.Certificate.fromBER(otherRsa.certificate);
      const swapped = rewrite(sealed.der, (signedData) => {
        signedData.certificates = [impostor];
        signedData.signerInfos[0].sid = new pkijs.IssuerAndSerialNumber({
          issuer: impostor.issuer,
          serialNumber: impostor.serialNumber,
        });
      });

      expect(codeOf(() => verifyEnvelope(swapped))).toBe(EnvelopeErrorCode.SIGNATURE_INVALID);
    });

    it('gives SIGNER_CERTIFICATE_MISSING when the signer certificate is not included', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);
      const stripped = rewrite(sealed.der, (signedData) => {
        signedData.certificates = [pkijs.Certificate.fromBER(otherRsa.certificate)];
      });

      expect(codeOf(() => parseEnvelope(stripped))).toBe(EnvelopeErrorCode.SIGNER_CERTIFICATE_MISSING);
    });

    it('gives MULTIPLE_SIGNERS for two SignerInfos', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);
      const doubled = rewrite(sealed.der, (signedData) => {
        signedData.signerInfos.push(signedData.signerInfos[0]);
      });

      expect(codeOf(() => parseEnvelope(doubled))).toBe(EnvelopeErrorCode.MULTIPLE_SIGNERS);
    });

    it('gives MANIFEST_MISSING when no manifest attribute is signed', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);
      const noManifest = rewrite(sealed.der, (signedData) => {
        const attrs = signedData.signerInfos[0].signedAttrs;
        if (attrs) attrs.attributes = attrs.attributes.filter((a) => a.type.startsWith('1.2.840.113549'));
      });

      expect(codeOf(() => parseEnvelope(noManifest))).toBe(EnvelopeErrorCode.MANIFEST_MISSING);
    });

    it('gives FILE_DIGEST_MISMATCH when a file does not match its signed hash', async () => {
      const manifest = manifestFor([{ name: 'A.CSV', content: Buffer.from('abc') }]);
      const { der } = await sealRaw(encodeManifest(manifest), Buffer.from('abd'), {
        senderCertificate: rsaOffice.certificate,
        senderPrivateKey: rsaOffice.privateKey,
        recipientCertificate: ecOffice.certificate,
      });

      expect(() => verifyEnvelope(der)).not.toThrow();
      await expect(
        openEnvelope(der, { certificate: ecOffice.certificate, privateKey: ecOffice.privateKey }),
      ).rejects.toMatchObject({ code: EnvelopeErrorCode.FILE_DIGEST_MISMATCH });
    });

    it('gives FILE_SIZE_MISMATCH when the plaintext is longer than the manifest says', async () => {
      const manifest = manifestFor([{ name: 'A.CSV', content: Buffer.from('abc') }]);
      const { der } = await sealRaw(encodeManifest(manifest), Buffer.from('abcd'), {
        senderCertificate: ecOffice.certificate,
        senderPrivateKey: ecOffice.privateKey,
        recipientCertificate: rsaOffice.certificate,
      });

      await expect(
        openEnvelope(der, { certificate: rsaOffice.certificate, privateKey: rsaOffice.privateKey }),
      ).rejects.toMatchObject({ code: EnvelopeErrorCode.FILE_SIZE_MISMATCH });
    });

    it('gives DECRYPTION_FAILED when the wrapped content key is corrupt', async () => {
      const sealed = await sealFrom(ecOffice, rsaOffice);
      const parsed = parseEnvelope(sealed.der);
      const enveloped = pkijs.EnvelopedData.fromBER(parsed.content);
      const ktri = enveloped.recipientInfos
        .map((r) => r.value)
        .find((v) => v instanceof pkijs.KeyTransRecipientInfo);
      if (!ktri) throw new Error('fixture: no RSA recipient info');
      const key = new Uint8Array(ktri.encryptedKey.valueBlock.valueHexView);
      key[10] ^= 0x01;
      ktri.encryptedKey = new asn1js.OctetString({ valueHex: key });
      // re-signed by the real sender, so only decryption can notice
      const der = signContent(
        parsed.manifestBytes,
        new Uint8Array(enveloped.toSchema().toBER(false)),
        pkijs.Certificate.fromBER(ecOffice.certificate),
        ecOffice.privateKey,
      );

      expect(() => verifyEnvelope(der)).not.toThrow();
      await expect(
        openEnvelope(der, { certificate: rsaOffice.certificate, privateKey: rsaOffice.privateKey }),
      ).rejects.toMatchObject({ code: EnvelopeErrorCode.DECRYPTION_FAILED });
    });

    it('gives MALFORMED_DER for truncated DER, garbage and empty input', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);

      expect(codeOf(() => verifyEnvelope(sealed.der.slice(0, sealed.der.byteLength - 7)))).toBe(
        EnvelopeErrorCode.MALFORMED_DER,
      );
      expect(codeOf(() => verifyEnvelope(sealed.der.slice(0, 40)))).toBe(EnvelopeErrorCode.MALFORMED_DER);
      expect(codeOf(() => verifyEnvelope(Buffer.from('not an envelope')))).toBe(
        EnvelopeErrorCode.MALFORMED_DER,
      );
      expect(codeOf(() => verifyEnvelope(new Uint8Array()))).toBe(EnvelopeErrorCode.MALFORMED_DER);
      expect(codeOf(() => verifyEnvelope(Buffer.concat([sealed.der, Buffer.from([0])])))).toBe(
        EnvelopeErrorCode.MALFORMED_DER,
      );
    });

    it('gives NOT_SIGNED_DATA for a bare EnvelopedData', async () => {
      const sealed = await sealFrom(rsaOffice, ecOffice);
      const bare = new pkijs.ContentInfo({
        contentType: '1.2.840.113549.1.7.3',
        content: asn1js.fromBER(parseEnvelope(sealed.der).content).result,
      });

      expect(codeOf(() => verifyEnvelope(new Uint8Array(bare.toSchema().toBER(false))))).toBe(
        EnvelopeErrorCode.NOT_SIGNED_DATA,
      );
    });

    it('refuses to seal with a key that does not match the sender certificate', async () => {
      await expect(
        seal(anInput(), {
          senderCertificate: rsaOffice.certificate,
          senderPrivateKey: otherRsa.privateKey,
          recipientCertificate: ecOffice.certificate,
        }),
      ).rejects.toMatchObject({ code: EnvelopeErrorCode.INVALID_KEY });
    });

    it('refuses to seal an invalid manifest', async () => {
      const input = anInput({ targetMonth: '2026-11' });

      await expect(sealFrom(rsaOffice, ecOffice, input)).rejects.toBeInstanceOf(EnvelopeError);
      await expect(sealFrom(rsaOffice, ecOffice, input)).rejects.toMatchObject({
        code: EnvelopeErrorCode.MANIFEST_INVALID,
      });
    });
  });
});
