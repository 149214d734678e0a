import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDevCrl, crlToPem, OID_DELTA_CRL_INDICATOR } from './dev-crl';
import { createDevCa, type DevCa } from './dev-pki';

function openssl(args: string[], files: Record<string, Uint8Array | string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dev-crl-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe(createDevCrl.name, () => {
  it.each<['rsa' | 'ec']>([['ec'], ['rsa']])(
    'builds a %s-signed CRL that openssl reads and verifies against the CA',
    (keyType) => {
      const ca: DevCa = createDevCa({ keyType });
      const sut = createDevCrl(ca, {
        crlNumber: 7,
        thisUpdate: new Date('2026-01-01T00:00:00Z'),
        nextUpdate: new Date('2026-01-08T00:00:00Z'),
        entries: [
          { serialNumber: '00ABCDEF', revokedAt: new Date('2025-12-31T12:00:00Z'), reason: 1 },
          { serialNumber: 'ff01', revokedAt: new Date('2025-12-30T00:00:00Z') },
        ],
      });

      const text = openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-noout', '-text'], {
        'crl.der': sut,
      });
      expect(text).toContain('Renkei Dev CA');
      expect(text).toMatch(/X509v3 CRL Number:\s*\n\s*7/);
      expect(text).toContain('Serial Number: ABCDEF');
      expect(text).toContain('Serial Number: FF01');
      expect(text).toContain('Key Compromise');
      expect(text).toContain('Jan  8 00:00:00 2026 GMT');
      const verified = openssl(['crl', '-in', 'crl.pem', '-CAfile', 'ca.pem', '-noout'], {
        'crl.pem': crlToPem(sut),
        'ca.pem': ca.certificatePem,
      });
      expect(verified).toBe('');
    },
  );

  it('builds a CRL without nextUpdate and with extra extensions', () => {
    const ca = createDevCa();
    const sut = createDevCrl(ca, {
      nextUpdate: null,
      extensions: [{ oid: OID_DELTA_CRL_INDICATOR, critical: true, value: Uint8Array.from([2, 1, 3]) }],
    });

    const text = openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-noout', '-text'], { 'crl.der': sut });
    expect(text).toContain('Next Update: NONE');
    expect(text).toMatch(/Delta CRL Indicator: critical/);
    expect(text).toContain('No Revoked Certificates');
  });
});
