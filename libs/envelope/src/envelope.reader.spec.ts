import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createDevCa, issueOfficeCertificate } from '@renkei/pki';
import { DerError, NotDerError, readRoot, readTlv } from './der-reader';
import { EnvelopeError, EnvelopeErrorCode } from './envelope.errors';
import { KNOWN_CERTIFICATES } from './envelope.reader';
import { EnvelopeKind } from './manifest';
import { seal } from './seal';
import { parseEnvelope, parseEnvelopeWithPkijs } from './verify';

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

const DOCUMENTED = new Set<string>(Object.values(EnvelopeErrorCode));

async function sealed(sender = rsaOffice, recipient = ecOffice): Promise<Uint8Array> {
  const { der } = await seal(
    {
      envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
      sender: { officeNumber: '0300000100', serviceType: '43' },
      recipient: { officeNumber: '0300000005', serviceType: '11' },
      kind: EnvelopeKind.Plan,
      targetMonth: '202611',
      fileSequence: '20261124053000',
      createdAt: new Date('2026-11-24T05:30:00Z'),
      files: [{ name: 'A.CSV', mediaType: 'text/csv', content: Buffer.from('1,予定\r\n') }],
    },
    {
      senderCertificate: sender.certificate,
      senderPrivateKey: sender.privateKey,
      recipientCertificate: recipient.certificate,
    },
  );
  return der;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof EnvelopeError ? error.code : `not an EnvelopeError: ${String(error)}`;
  }
  return undefined;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** every field of a ParsedEnvelope as comparable values */
function summary(der: Uint8Array, parse: (der: Uint8Array) => ReturnType<typeof parseEnvelope>) {
  const p = parse(der);
  return {
    manifest: p.manifest,
    manifestBytes: hex(p.manifestBytes),
    manifestSha256: p.manifestSha256,
    signer: [hex(p.signerCertificate.der), p.signerCertificate.sha256],
    others: p.otherCertificates.map(hex),
    content: hex(p.content),
    contentSha256: p.contentSha256,
    signature: [
      hex(p.signature.signedAttributes),
      hex(p.signature.messageDigest),
      p.signature.algorithm,
      hex(p.signature.value),
    ],
  };
}

/** Re-encodes an envelope after `change` has edited its SignedData. */
function rewrite(der: Uint8Array, change: (signedData: pkijs.SignedData) => void): Uint8Array {
  const contentInfo = pkijs.ContentInfo.fromBER(der);
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  change(signedData);
  const out = new pkijs.ContentInfo({ contentType: contentInfo.contentType, content: signedData.toSchema() });
  return new Uint8Array(out.toSchema().toBER(false));
}

describe('DER reader', () => {
  it('reads short and long definite lengths', () => {
    expect(readTlv(Uint8Array.from([0x04, 0x01, 0xff]), 0, 3)).toMatchObject({
      tag: 4,
      valueStart: 2,
      end: 3,
    });
    const long = new Uint8Array(3 + 200);
    long.set([0x04, 0x81, 200]);
    expect(readTlv(long, 0, long.byteLength)).toMatchObject({ valueStart: 3, end: 203 });
  });

  it('refuses indefinite and non-minimal lengths as not DER', () => {
    expect(() => readTlv(Uint8Array.from([0x30, 0x80, 0x00, 0x00]), 0, 4)).toThrow(NotDerError);
    expect(() => readTlv(Uint8Array.from([0x04, 0x81, 0x01, 0xff]), 0, 4)).toThrow(NotDerError);
    expect(() => readTlv(Uint8Array.from([0x04, 0x82, 0x00, 0x81]), 0, 4)).toThrow(NotDerError);
    expect(() => readTlv(Uint8Array.from([0x24, 0x00]), 0, 2)).toThrow(NotDerError);
  });

  it('refuses overflowing, truncated and trailing encodings', () => {
    expect(() => readTlv(Uint8Array.from([0x04, 0x85, 1, 0, 0, 0, 0]), 0, 7)).toThrow(DerError);
    expect(() => readTlv(Uint8Array.from([0x04, 0x84, 0xff, 0xff, 0xff, 0xff]), 0, 6)).toThrow(DerError);
    expect(() => readTlv(Uint8Array.from([0x04, 0x02, 0x00]), 0, 3)).toThrow(DerError);
    expect(() => readTlv(Uint8Array.from([0x04]), 0, 1)).toThrow(DerError);
    expect(() => readRoot(Uint8Array.from([0x05, 0x00, 0x00]))).toThrow(DerError);
  });
});

describe('fast envelope parse', () => {
  it.each([
    ['RSA', rsaOffice, ecOffice],
    ['P-256', ecOffice, rsaOffice],
  ])('agrees with the pkijs parse on a valid %s envelope', async (_what, sender, recipient) => {
    const der = await sealed(sender, recipient);

    expect(summary(der, parseEnvelope)).toEqual(summary(der, parseEnvelopeWithPkijs));
  });

  it('gives a documented code for every truncation and never throws anything else', async () => {
    const der = await sealed();

    for (let length = 0; length < der.byteLength; length++) {
      const code = codeOf(() => parseEnvelope(der.subarray(0, length)));
      expect([length, code]).toEqual([length, EnvelopeErrorCode.MALFORMED_DER]);
    }
  });

  it('gives a documented code for every single-byte flip of the structure', async () => {
    const der = await sealed();
    const content = parseEnvelope(der).content;
    const contentAt = Buffer.from(der).indexOf(Buffer.from(content));
    const undocumented: string[] = [];
    // headers and certificates, not the ciphertext (which only the signature can catch)
    for (let at = 0; at < der.byteLength; at++) {
      if (at >= contentAt && at < contentAt + content.byteLength) continue;
      const mutated = new Uint8Array(der);
      mutated[at] ^= 0x80;
      const code = codeOf(() => parseEnvelope(mutated));
      if (code !== undefined && !DOCUMENTED.has(code)) undocumented.push(`${at}: ${code}`);
    }

    expect(undocumented).toEqual([]);
  });

  it('accepts BER with indefinite lengths through the pkijs parse', async () => {
    const der = await sealed();
    const asn1 = asn1js.fromBER(der).result;
    asn1.lenBlock.isIndefiniteForm = true;
    const ber = new Uint8Array(asn1.toBER(false));
    expect(ber[1]).toBe(0x80);

    expect(summary(ber, parseEnvelope).manifest).toEqual(summary(der, parseEnvelope).manifest);
  });

  it.each<[string, (signedData: pkijs.SignedData) => void, EnvelopeErrorCode]>([
    ['no certificate', (s) => (s.certificates = []), EnvelopeErrorCode.SIGNER_CERTIFICATE_MISSING],
    ['two signers', (s) => s.signerInfos.push(s.signerInfos[0]), EnvelopeErrorCode.MULTIPLE_SIGNERS],
    ['no signer', (s) => (s.signerInfos = []), EnvelopeErrorCode.SIGNER_INFO_MISSING],
    [
      'a SHA-1 digest',
      (s) =>
        (s.signerInfos[0].digestAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: '1.3.14.3.2.26' })),
      EnvelopeErrorCode.UNSUPPORTED_ALGORITHM,
    ],
    [
      'no signed attributes',
      (s) => (s.signerInfos[0].signedAttrs = undefined),
      EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
    ],
    [
      'an id-data content',
      (s) => (s.encapContentInfo.eContentType = '1.2.840.113549.1.7.1'),
      EnvelopeErrorCode.UNEXPECTED_CONTENT_TYPE,
    ],
    [
      'no manifest',
      (s) => {
        const attrs = s.signerInfos[0].signedAttrs;
        if (attrs) attrs.attributes = attrs.attributes.filter((a) => a.type.startsWith('1.2.840'));
      },
      EnvelopeErrorCode.MANIFEST_MISSING,
    ],
    [
      'a manifest that is not a UTF8String',
      (s) => {
        const manifest = s.signerInfos[0].signedAttrs?.attributes.find((a) => !a.type.startsWith('1.2.840'));
        if (manifest) manifest.values = [new asn1js.PrintableString({ value: '{}' })];
      },
      EnvelopeErrorCode.MANIFEST_INVALID,
    ],
    [
      'a content-type attribute of id-data',
      (s) => {
        const attr = s.signerInfos[0].signedAttrs?.attributes.find((a) => a.type === '1.2.840.113549.1.9.3');
        if (attr) attr.values = [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' })];
      },
      EnvelopeErrorCode.SIGNATURE_INVALID,
    ],
  ])('refuses %s like the pkijs parse', async (_what, change, code) => {
    const mutated = rewrite(await sealed(), change);

    expect(codeOf(() => parseEnvelope(mutated))).toBe(code);
    expect(codeOf(() => parseEnvelopeWithPkijs(mutated))).toBe(code);
  });

  it('remembers a certificate it read and gives the same result when it meets the octets again', async () => {
    const der = await sealed();
    KNOWN_CERTIFICATES.clear();
    const cold = summary(der, parseEnvelope);
    expect(KNOWN_CERTIFICATES.size).toBe(1);

    const warm = summary(der, parseEnvelope);

    expect(warm).toEqual(cold);
    expect(warm.signer[1]).toBe(
      createHash('sha256').update(Buffer.from(warm.signer[0], 'hex')).digest('hex'),
    );
  });

  it('gives the same outcome with the certificate known or not, for every single-byte flip', async () => {
    const der = await sealed();
    const content = parseEnvelope(der).content;
    const contentAt = Buffer.from(der).indexOf(Buffer.from(content));
    const outcome = (bytes: Uint8Array) =>
      codeOf(() => parseEnvelope(bytes)) ?? summary(bytes, parseEnvelope);
    const differences: number[] = [];
    for (let at = 0; at < der.byteLength; at++) {
      if (at >= contentAt + 64 && at < contentAt + content.byteLength) continue;
      const mutated = new Uint8Array(der);
      mutated[at] ^= 0x80;
      KNOWN_CERTIFICATES.clear();
      const cold = outcome(mutated);
      parseEnvelope(der);
      const warm = outcome(mutated);
      if (JSON.stringify(warm) !== JSON.stringify(cold)) differences.push(at);
    }

    expect(differences).toEqual([]);
  });

  it('does not modify a Buffer it parses', async () => {
    const der = Buffer.from(await sealed());
    const before = Buffer.from(der);

    parseEnvelope(der);

    expect(der.equals(before)).toBe(true);
  });
});
