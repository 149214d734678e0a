import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa, DEV_CA_NAME, issueIntermediateCa, issueOfficeCertificate } from './dev-pki';
import { exportPkcs12 } from './pkcs12';

const ca = createDevCa();
const rsaOffice = issueOfficeCertificate(ca, {
  officeNumber: '0300000100',
  serviceTypes: ['43'],
  keyType: 'rsa',
});
const ecOffice = issueOfficeCertificate(ca, {
  officeNumber: '0300000005',
  serviceTypes: ['11', '15'],
  keyType: 'ec',
});

function text(pem: string): string {
  return execFileSync('openssl', ['x509', '-noout', '-text', '-nameopt', 'utf8,sep_multiline'], {
    input: pem,
  }).toString();
}

describe('dev PKI', () => {
  it('creates a self-signed CA marked TEST ONLY', () => {
    const cert = new X509Certificate(ca.certificatePem);

    expect(cert.subject).toContain(`CN=${DEV_CA_NAME}`);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(text(ca.certificatePem)).toMatch(/Certificate Sign, CRL Sign/);
  });

  it('issues office certificates that chain to the CA', () => {
    for (const office of [rsaOffice, ecOffice]) {
      const cert = new X509Certificate(office.certificate);
      expect(cert.ca).toBe(false);
      expect(cert.checkIssued(new X509Certificate(ca.certificate))).toBe(true);
      expect(cert.verify(new X509Certificate(ca.certificate).publicKey)).toBe(true);
    }
  });

  it('puts the office number in serialNumber and each service type in an OU', () => {
    const subject = new X509Certificate(ecOffice.certificate).subject.split('\n');

    expect(subject).toContain('serialNumber=0300000005');
    expect(subject).toEqual(expect.arrayContaining(['OU=serviceType=11', 'OU=serviceType=15']));
  });

  it('uses RSA-2048 with digitalSignature+keyEncipherment and P-256 with digitalSignature+keyAgreement', () => {
    const rsaKey = new X509Certificate(rsaOffice.certificate).publicKey;
    const ecKey = new X509Certificate(ecOffice.certificate).publicKey;

    expect(rsaKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(ecKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(text(rsaOffice.certificatePem)).toMatch(
      /Key Usage: critical\s+Digital Signature, Key Encipherment\n/,
    );
    expect(text(ecOffice.certificatePem)).toMatch(/Key Usage: critical\s+Digital Signature, Key Agreement\n/);
  });

  it('exports PEM that openssl verifies against the CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'renkei-pki-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
      writeFileSync(join(dir, 'rsa.pem'), rsaOffice.certificatePem);
      writeFileSync(join(dir, 'ec.pem'), ecOffice.certificatePem);

      const out = execFileSync('openssl', ['verify', '-CAfile', 'ca.pem', 'rsa.pem', 'ec.pem'], {
        cwd: dir,
      }).toString();

      expect(out).toBe('rsa.pem: OK\nec.pem: OK\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the private key as PKCS#8 PEM matching the certificate', () => {
    for (const office of [rsaOffice, ecOffice]) {
      expect(office.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const fromKey = createPublicKey(office.privateKeyPem).export({ type: 'spki', format: 'der' });
      const fromCert = new X509Certificate(office.certificate).publicKey.export({
        type: 'spki',
        format: 'der',
      });
      expect(fromKey.equals(fromCert)).toBe(true);
      expect(office.fingerprint).toBe(createHash('sha256').update(office.certificate).digest('hex'));
    }
  });

  it.each([
    ['RSA', rsaOffice],
    ['EC', ecOffice],
  ])('exports an %s credential as PKCS#12 that openssl opens with the password', async (_what, office) => {
    const dir = mkdtempSync(join(tmpdir(), 'renkei-p12-'));
    try {
      writeFileSync(join(dir, 'office.p12'), await exportPkcs12(office, 'test-only'));

      const pem = execFileSync(
        'openssl',
        ['pkcs12', '-in', 'office.p12', '-passin', 'pass:test-only', '-nodes'],
        {
          cwd: dir,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ).toString();

      const key = createPublicKey(pem).export({ type: 'spki', format: 'der' });
      expect(
        key.equals(new X509Certificate(office.certificate).publicKey.export({ type: 'spki', format: 'der' })),
      ).toBe(true);
      expect(new X509Certificate(pem).fingerprint256).toBe(
        new X509Certificate(office.certificate).fingerprint256,
      );
      expect(() =>
        execFileSync('openssl', ['pkcs12', '-in', 'office.p12', '-passin', 'pass:wrong', '-nodes'], {
          cwd: dir,
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      ).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('issues intermediate CAs with pathLen that openssl verifies as a chain', () => {
    const root = createDevCa({ name: 'Chain Root', pathLen: 1 });
    const mid = issueIntermediateCa(root, { name: 'Chain Mid', pathLen: 0, keyType: 'rsa', rsaBits: 3072 });
    const leaf = issueOfficeCertificate(mid, {
      officeNumber: 'KH13000001',
      serviceTypes: [],
      roles: ['kokuhoren'],
      prefecture: '13',
      keyType: 'ec',
    });
    const dir = mkdtempSync(join(tmpdir(), 'renkei-pki-chain-'));
    try {
      writeFileSync(join(dir, 'root.pem'), root.certificatePem);
      writeFileSync(join(dir, 'mid.pem'), mid.certificatePem);
      writeFileSync(join(dir, 'leaf.pem'), leaf.certificatePem);
      const out = execFileSync(
        'openssl',
        ['verify', '-CAfile', 'root.pem', '-untrusted', 'mid.pem', 'leaf.pem'],
        {
          cwd: dir,
        },
      ).toString();
      expect(out).toContain('leaf.pem: OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(text(root.certificatePem)).toMatch(/CA:TRUE, pathlen:1/);
    expect(text(mid.certificatePem)).toMatch(/CA:TRUE, pathlen:0/);
    expect(text(mid.certificatePem)).toMatch(/Public-Key: \(3072 bit\)/);
    expect(new X509Certificate(leaf.certificate).subject.split('\n')).toEqual(
      expect.arrayContaining(['OU=role=kokuhoren', 'OU=prefecture=13', 'serialNumber=KH13000001']),
    );
  });

  it('issues what a policy must refuse: RSA-1024, SHA-1, no digitalSignature, no keyUsage', () => {
    const base = { officeNumber: '0300000100', serviceTypes: ['43'], keyType: 'rsa' as const };

    expect(text(issueOfficeCertificate(ca, { ...base, rsaBits: 1024 }).certificatePem)).toMatch(/1024 bit/);
    expect(
      text(issueOfficeCertificate(ca, { ...base, keyType: 'ec', signatureHash: 'sha1' }).certificatePem),
    ).toMatch(/ecdsa-with-SHA1/);
    const encipherOnly = text(
      issueOfficeCertificate(ca, { ...base, keyUsages: ['keyEncipherment'] }).certificatePem,
    );
    expect(encipherOnly).toMatch(/Key Encipherment/);
    expect(encipherOnly).not.toMatch(/Digital Signature/);
    expect(text(issueOfficeCertificate(ca, { ...base, keyUsages: [] }).certificatePem)).not.toMatch(
      /Key Usage/,
    );
  });
});
