import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa, DevCredential, issueOfficeCertificate, issuePlatformCertificate } from '@renkei/pki';
import { canonicalJson } from './manifest';
import { AcceptanceReceiptBody, ReceiptBody, RecipientReceiptBody, signReceipt } from './receipt';

// interop with Debian's `openssl cms`: a receipt verifies against the CA of its signer and prints its JSON
const ca = createDevCa();
const otherCa = createDevCa();
const rsaPlatform = issuePlatformCertificate(ca, {
  name: 'Renkei Platform Receipts — TEST ONLY',
  keyType: 'rsa',
});
const ecPlatform = issuePlatformCertificate(ca, {
  name: 'Renkei Platform Receipts — TEST ONLY',
  keyType: 'ec',
});
const ecOffice = issueOfficeCertificate(ca, {
  officeNumber: '0300000005',
  serviceTypes: ['11'],
  keyType: 'ec',
});

const acceptance: AcceptanceReceiptBody = {
  type: 'acceptance',
  version: 1,
  envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
  manifestSha256: 'a'.repeat(64),
  contentSha256: 'b'.repeat(64),
  objectSha256: 'c'.repeat(64),
  sender: { officeNumber: '0300000100', serviceType: '43' },
  recipient: { officeNumber: '0300000005', serviceType: '11' },
  acceptedAt: '2026-11-24T05:30:01.123Z',
  platform: 'renkei',
};
const rejection: RecipientReceiptBody = {
  type: 'recipient',
  version: 1,
  envelopeId: acceptance.envelopeId,
  manifestSha256: acceptance.manifestSha256,
  verdict: 'rejected',
  reasons: [{ code: 'FILE_DIGEST_MISMATCH', message: 'ファイルのハッシュが一致しません' }],
  recipient: acceptance.recipient,
  sender: acceptance.sender,
  receivedAt: '2026-11-24T06:00:00.000Z',
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'renkei-receipt-'));
  writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
  writeFileSync(join(dir, 'other-ca.pem'), otherCa.certificatePem);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function verifyWithOpenssl(file: string, caFile = 'ca.pem'): Buffer {
  return execFileSync(
    'openssl',
    ['cms', '-verify', '-inform', 'DER', '-in', file, '-CAfile', caFile, '-purpose', 'any'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

function write(name: string, body: ReceiptBody, signer: DevCredential): Buffer {
  const der = Buffer.from(
    signReceipt(body, { certificate: signer.certificate, privateKey: signer.privateKey }),
  );
  writeFileSync(join(dir, name), der);
  return der;
}

describe('openssl cms interoperability of receipts', () => {
  it.each([
    ['an RSA platform key', 'rsa-acceptance.der', acceptance, rsaPlatform],
    ['a P-256 platform key', 'ec-acceptance.der', acceptance, ecPlatform],
    ['a P-256 office key', 'ec-recipient.der', rejection, ecOffice],
  ])('verifies a receipt signed with %s and prints its JSON', (_what, file, body, signer) => {
    write(file, body, signer);

    const printed = verifyWithOpenssl(file);

    expect(printed.toString('utf8')).toBe(canonicalJson(body));
  });

  it('fails on a receipt whose JSON was changed', () => {
    const der = write('tampered.der', acceptance, ecPlatform);
    const at = der.indexOf('"platform":"renkei"') + '"platform":"r'.length;
    der[at] ^= 0x01;
    writeFileSync(join(dir, 'tampered.der'), der);

    expect(() => verifyWithOpenssl('tampered.der')).toThrow(/Verification failure|verify/i);
  });

  it('fails against a CA that did not issue the signer', () => {
    write('foreign.der', acceptance, rsaPlatform);

    expect(() => verifyWithOpenssl('foreign.der', 'other-ca.pem')).toThrow(
      /certificate verify error|Verify error/i,
    );
  });
});
