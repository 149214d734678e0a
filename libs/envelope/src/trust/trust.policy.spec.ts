import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import {
  createDevCa,
  type DevCa,
  type DevCredential,
  issueIntermediateCa,
  issueOfficeCertificate,
  type OfficeCertificateOptions,
} from '@renkei/pki';
import { CertificatePolicyError, CertificatePolicyErrorCode as Code } from './certificate-policy.errors';
import { CachedTrustPolicy, revocationIdOf, snapshotFromPem, TrustPolicy } from './trust.policy';
import {
  type CertificateProfileSpec,
  devCertificateProfile,
  RevocationSet,
  type TrustAnchorSpec,
  type TrustRole,
  type TrustSnapshot,
} from './trust-snapshot';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date();
const OID_TEST_OFFICE_NUMBER = '1.3.6.1.4.1.32473.9.1';
const OID_TEST_SERVICE_TYPES = '1.3.6.1.4.1.32473.9.2';

const rootA = createDevCa({ name: 'Test Root A' });
const rootB = createDevCa({ name: 'Test Root B', keyType: 'rsa' });

function office(ca: DevCa, options: Partial<OfficeCertificateOptions> = {}): DevCredential {
  return issueOfficeCertificate(ca, {
    officeNumber: '0300000100',
    serviceTypes: ['43'],
    keyType: 'ec',
    ...options,
  });
}

interface AnchorInput {
  readonly ca: DevCa;
  readonly anchorId?: string;
  readonly active?: boolean;
  readonly roles?: readonly TrustRole[];
  readonly profile?: CertificateProfileSpec;
}

function snapshotOf(
  anchors: readonly AnchorInput[],
  revocations: RevocationSet = new RevocationSet(),
): TrustSnapshot {
  return {
    version: 7,
    anchors: anchors.map((anchor, index): TrustAnchorSpec => ({
      anchorId: anchor.anchorId ?? `anchor-${index}`,
      certificateDer: anchor.ca.certificate,
      profile: anchor.profile ?? devCertificateProfile(anchor.roles ?? ['office']),
      active: anchor.active ?? true,
    })),
    revocations,
  };
}

function refusalOf(action: () => unknown): { code: string; message: string } | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof CertificatePolicyError) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

const codeOf = (action: () => unknown): string | undefined => refusalOf(action)?.code;
const refOf = (der: Uint8Array) => ({ der, sha256: createHash('sha256').update(der).digest('hex') });
const revoke = (set: RevocationSet, der: Uint8Array): void => {
  const id = revocationIdOf(der);
  set.add(id.issuerNameSha256, id.serialNumber);
};

describe(TrustPolicy.name, () => {
  const sut = new TrustPolicy(snapshotOf([{ ca: rootA, anchorId: 'root-a' }]));

  describe('accepts', () => {
    it('an office certificate issued directly by an active anchor, with its identity', () => {
      const leaf = office(rootA, { serviceTypes: ['43', '11'] });

      const identity = sut.validate(leaf.certificate, [], { at: now });

      expect(identity).toEqual({
        officeNumber: '0300000100',
        serviceTypes: ['43', '11'],
        role: 'office',
        notAfter: new Date(new X509Certificate(leaf.certificate).validTo),
        anchorId: 'root-a',
        certificateSha256: leaf.fingerprint,
      });
      expect(sut.snapshot.version).toBe(7);
    });

    it.each([
      ['RSA-2048', { keyType: 'rsa' as const }],
      ['RSA-3072', { keyType: 'rsa' as const, rsaBits: 3072 }],
      ['EC P-256', { keyType: 'ec' as const }],
      ['EC P-384', { keyType: 'ec' as const, curve: 'P-384' as const }],
    ])('a %s end entity', (_name, key) => {
      expect(sut.validate(office(rootA, key).certificate, [], { at: now }).officeNumber).toBe('0300000100');
    });

    it('certificates of several anchors at once, each naming its anchor', () => {
      const policy = new TrustPolicy(
        snapshotOf([
          { ca: rootA, anchorId: 'root-a' },
          { ca: rootB, anchorId: 'root-b' },
        ]),
      );

      expect(policy.validate(office(rootA).certificate, [], { at: now }).anchorId).toBe('root-a');
      expect(policy.validate(office(rootB).certificate, [], { at: now }).anchorId).toBe('root-b');
    });

    it('a chain through intermediates given in any order, ignoring unrelated certificates', () => {
      const mid = issueIntermediateCa(rootA, { name: 'Mid 1' });
      const low = issueIntermediateCa(mid, { name: 'Mid 2', keyType: 'rsa' });
      const leaf = office(low);

      const identity = sut.validate(leaf.certificate, [rootB.certificate, mid.certificate, low.certificate], {
        at: now,
      });

      expect(identity.anchorId).toBe('root-a');
    });

    it('a chain within every pathLenConstraint (the anchor and the intermediates count)', () => {
      const root = createDevCa({ name: 'Root pathLen 1', pathLen: 1 });
      const mid = issueIntermediateCa(root, { name: 'Mid pathLen 0', pathLen: 0 });
      const policy = new TrustPolicy(snapshotOf([{ ca: root }]));

      expect(policy.validate(office(mid).certificate, [mid.certificate], { at: now }).role).toBe('office');
    });

    it('four intermediates, the maximum depth', () => {
      let issuer = rootA;
      const chain: DevCa[] = [];
      for (let i = 0; i < 4; i += 1) {
        issuer = issueIntermediateCa(issuer, { name: `Depth ${i}` });
        chain.push(issuer);
      }

      expect(
        sut.validate(
          office(issuer).certificate,
          chain.map((ca) => ca.certificate),
          { at: now },
        ).role,
      ).toBe('office');
    });

    it('a signing time inside the validity period', () => {
      const leaf = office(rootA);

      expect(
        sut.validate(leaf.certificate, [], { at: now, signedAt: new Date(now.getTime() - 60_000) }),
      ).toBeDefined();
    });

    it('kokuhoren and operator certificates where the anchor allows the role', () => {
      const policy = new TrustPolicy(snapshotOf([{ ca: rootA, roles: ['office', 'kokuhoren', 'operator'] }]));
      const kokuhoren = office(rootA, {
        officeNumber: 'KH13000001',
        serviceTypes: [],
        roles: ['kokuhoren'],
        prefecture: '13',
      });
      const operator = office(rootA, { officeNumber: 'OP00000001', serviceTypes: [], roles: ['operator'] });

      expect(policy.validate(kokuhoren.certificate, [], { at: now })).toMatchObject({
        officeNumber: 'KH13000001',
        serviceTypes: [],
        role: 'kokuhoren',
        prefecture: '13',
      });
      const operatorIdentity = policy.validate(operator.certificate, [], { at: now });
      expect(operatorIdentity).toMatchObject({
        officeNumber: 'OP00000001',
        serviceTypes: [],
        role: 'operator',
      });
      expect(operatorIdentity.prefecture).toBeUndefined();
    });

    it('an identity read from extensions under an extension-based profile', () => {
      const profile: CertificateProfileSpec = {
        name: 'extension-test',
        officeNumber: { source: 'extension', oid: OID_TEST_OFFICE_NUMBER },
        serviceTypes: { source: 'extension', oid: OID_TEST_SERVICE_TYPES, valuePrefix: 'st:' },
        requiredKeyUsages: ['digitalSignature', 'keyAgreement'],
        allowedRoles: ['office'],
      };
      const policy = new TrustPolicy(snapshotOf([{ ca: rootA, profile }]));
      const leaf = office(rootA, {
        officeNumber: 'ZZZZZZZZZZ',
        serviceTypes: [],
        extensions: [
          { oid: OID_TEST_OFFICE_NUMBER, values: ['1310000009'] },
          { oid: OID_TEST_SERVICE_TYPES, values: ['st:11', 'other', 'st:A1'] },
        ],
      });

      expect(policy.validate(leaf.certificate, [], { at: now })).toMatchObject({
        officeNumber: '1310000009',
        serviceTypes: ['11', 'A1'],
        role: 'office',
      });
    });
  });

  describe('refuses', () => {
    it('everything when no anchor is active (TRUST_ANCHORS_NOT_CONFIGURED)', () => {
      const leaf = office(rootA).certificate;

      expect(codeOf(() => new TrustPolicy(snapshotOf([])).validate(leaf, [], { at: now }))).toBe(
        Code.TRUST_ANCHORS_NOT_CONFIGURED,
      );
      expect(
        codeOf(() =>
          new TrustPolicy(snapshotOf([{ ca: rootA, active: false }])).validate(leaf, [], { at: now }),
        ),
      ).toBe(Code.TRUST_ANCHORS_NOT_CONFIGURED);
    });

    it('an unreadable certificate (CERTIFICATE_UNREADABLE)', () => {
      expect(codeOf(() => sut.validate(Buffer.from('junk'), [], { at: now }))).toBe(
        Code.CERTIFICATE_UNREADABLE,
      );
      const der = office(rootA).certificate;
      expect(codeOf(() => sut.validate(Buffer.concat([der, Buffer.from([0])]), [], { at: now }))).toBe(
        Code.CERTIFICATE_UNREADABLE,
      );
    });

    it('a certificate of another CA, or whose intermediate is missing (CERTIFICATE_UNTRUSTED)', () => {
      const mid = issueIntermediateCa(rootA, { name: 'Mid missing' });

      expect(codeOf(() => sut.validate(office(rootB).certificate, [], { at: now }))).toBe(
        Code.CERTIFICATE_UNTRUSTED,
      );
      expect(codeOf(() => sut.validate(office(mid).certificate, [], { at: now }))).toBe(
        Code.CERTIFICATE_UNTRUSTED,
      );
    });

    it('a certificate whose issuer has the anchor name but another key (CERTIFICATE_UNTRUSTED)', () => {
      const impostor = createDevCa({ name: 'Test Root A' });

      expect(codeOf(() => sut.validate(office(impostor).certificate, [], { at: now }))).toBe(
        Code.CERTIFICATE_UNTRUSTED,
      );
    });

    it('a chain that exists only through a retired anchor (CERTIFICATE_UNTRUSTED, says retired)', () => {
      const policy = new TrustPolicy(
        snapshotOf([
          { ca: rootA, anchorId: 'old-root', active: false },
          { ca: rootB, anchorId: 'new-root' },
        ]),
      );

      const refusal = refusalOf(() => policy.validate(office(rootA).certificate, [], { at: now }));

      expect(refusal?.code).toBe(Code.CERTIFICATE_UNTRUSTED);
      expect(refusal?.message).toMatch(/retired.*old-root/);
      expect(policy.validate(office(rootB).certificate, [], { at: now }).anchorId).toBe('new-root');
    });

    it('a chain whose anchor or intermediate is not valid at the time (CERTIFICATE_UNTRUSTED)', () => {
      const expiredMid = issueIntermediateCa(rootA, {
        name: 'Mid expired',
        notBefore: new Date(now.getTime() - 10 * DAY),
        notAfter: new Date(now.getTime() - DAY),
      });
      const leaf = office(expiredMid, { notBefore: new Date(now.getTime() - 5 * DAY) });

      expect(codeOf(() => sut.validate(leaf.certificate, [expiredMid.certificate], { at: now }))).toBe(
        Code.CERTIFICATE_UNTRUSTED,
      );
      expect(codeOf(() => sut.validate(office(rootA).certificate, [], { at: new Date(0) }))).toBe(
        Code.CERTIFICATE_UNTRUSTED,
      );
    });

    it('a chain longer than four intermediates (CERTIFICATE_UNTRUSTED)', () => {
      let issuer = rootA;
      const chain: DevCa[] = [];
      for (let i = 0; i < 5; i += 1) {
        issuer = issueIntermediateCa(issuer, { name: `Deep ${i}` });
        chain.push(issuer);
      }

      expect(
        codeOf(() =>
          sut.validate(
            office(issuer).certificate,
            chain.map((ca) => ca.certificate),
            { at: now },
          ),
        ),
      ).toBe(Code.CERTIFICATE_UNTRUSTED);
    });

    it('a search that would check more than 32 signatures (CERTIFICATE_UNTRUSTED)', () => {
      const crowd = Array.from({ length: 33 }, () => issueIntermediateCa(rootA, { name: 'Crowd CA' }));
      const leaf = office(crowd[32]);

      expect(sut.validate(leaf.certificate, [crowd[32].certificate], { at: now }).role).toBe('office');
      const refusal = refusalOf(() =>
        sut.validate(
          leaf.certificate,
          crowd.map((ca) => ca.certificate),
          { at: now },
        ),
      );
      expect(refusal).toEqual({
        code: Code.CERTIFICATE_UNTRUSTED,
        message: expect.stringMatching(/too many candidate/),
      });
    });

    it('a chain through a certificate that is not a CA (CERTIFICATE_PATH_INVALID)', () => {
      const notCa = issueIntermediateCa(rootA, { name: 'Not a CA', ca: false });
      const noCertSign = issueIntermediateCa(rootA, {
        name: 'No keyCertSign',
        keyUsages: ['digitalSignature', 'cRLSign'],
      });

      expect(codeOf(() => sut.validate(office(notCa).certificate, [notCa.certificate], { at: now }))).toBe(
        Code.CERTIFICATE_PATH_INVALID,
      );
      expect(
        codeOf(() => sut.validate(office(noCertSign).certificate, [noCertSign.certificate], { at: now })),
      ).toBe(Code.CERTIFICATE_PATH_INVALID);
    });

    it("a chain that breaks the anchor's pathLenConstraint (CERTIFICATE_PATH_INVALID)", () => {
      const root = createDevCa({ name: 'Root pathLen 0', pathLen: 0 });
      const mid = issueIntermediateCa(root, { name: 'Mid under pathLen 0' });
      const policy = new TrustPolicy(snapshotOf([{ ca: root }]));

      expect(policy.validate(office(root).certificate, [], { at: now }).role).toBe('office');
      expect(codeOf(() => policy.validate(office(mid).certificate, [mid.certificate], { at: now }))).toBe(
        Code.CERTIFICATE_PATH_INVALID,
      );
    });

    it("a chain that breaks an intermediate's pathLenConstraint (CERTIFICATE_PATH_INVALID)", () => {
      const mid = issueIntermediateCa(rootA, { name: 'Mid pathLen 0 under A', pathLen: 0 });
      const low = issueIntermediateCa(mid, { name: 'Low under pathLen 0' });

      expect(sut.validate(office(mid).certificate, [mid.certificate], { at: now }).role).toBe('office');
      expect(
        codeOf(() => sut.validate(office(low).certificate, [mid.certificate, low.certificate], { at: now })),
      ).toBe(Code.CERTIFICATE_PATH_INVALID);
    });

    it('a certificate outside its validity period (CERTIFICATE_EXPIRED / CERTIFICATE_NOT_YET_VALID)', () => {
      const leaf = office(rootA, {
        notBefore: new Date(now.getTime() + DAY),
        notAfter: new Date(now.getTime() + 10 * DAY),
      });

      expect(codeOf(() => sut.validate(leaf.certificate, [], { at: now }))).toBe(
        Code.CERTIFICATE_NOT_YET_VALID,
      );
      expect(
        codeOf(() => sut.validate(leaf.certificate, [], { at: new Date(now.getTime() + 11 * DAY) })),
      ).toBe(Code.CERTIFICATE_EXPIRED);
      expect(sut.validate(leaf.certificate, [], { at: new Date(now.getTime() + 2 * DAY) }).role).toBe(
        'office',
      );
    });

    it('a signing time outside the validity period, saying so (CERTIFICATE_EXPIRED / _NOT_YET_VALID)', () => {
      const leaf = office(rootA, {
        notBefore: new Date(now.getTime() - 10 * DAY),
        notAfter: new Date(now.getTime() + 10 * DAY),
      });

      const late = refusalOf(() =>
        sut.validate(leaf.certificate, [], { at: now, signedAt: new Date(now.getTime() + 11 * DAY) }),
      );
      const early = refusalOf(() =>
        sut.validate(leaf.certificate, [], { at: now, signedAt: new Date(now.getTime() - 11 * DAY) }),
      );

      expect(late).toEqual({
        code: Code.CERTIFICATE_EXPIRED,
        message: expect.stringMatching(/at signing time/),
      });
      expect(early).toEqual({
        code: Code.CERTIFICATE_NOT_YET_VALID,
        message: expect.stringMatching(/at signing time/),
      });
    });

    it('a revoked end entity or intermediate, and nothing else (CERTIFICATE_REVOKED)', () => {
      const revocations = new RevocationSet();
      const policy = new TrustPolicy(snapshotOf([{ ca: rootA }], revocations));
      const mid = issueIntermediateCa(rootA, { name: 'Mid revocable' });
      const [direct, underMid, bystander] = [office(rootA), office(mid), office(rootA)];

      revoke(revocations, direct.certificate);
      revoke(revocations, mid.certificate);

      expect(codeOf(() => policy.validate(direct.certificate, [], { at: now }))).toBe(
        Code.CERTIFICATE_REVOKED,
      );
      const refusal = refusalOf(() => policy.validate(underMid.certificate, [mid.certificate], { at: now }));
      expect(refusal).toEqual({
        code: Code.CERTIFICATE_REVOKED,
        message: expect.stringMatching(/intermediate/),
      });
      expect(policy.validate(bystander.certificate, [], { at: now }).role).toBe('office');
    });

    it('weak keys anywhere in the path (CERTIFICATE_KEY_UNSUPPORTED)', () => {
      const weakLeaf = office(rootA, { keyType: 'rsa', rsaBits: 1024 });
      const weakMid = issueIntermediateCa(rootA, { name: 'Mid RSA-1024', keyType: 'rsa', rsaBits: 1024 });

      const leafRefusal = refusalOf(() => sut.validate(weakLeaf.certificate, [], { at: now }));
      expect(leafRefusal).toEqual({
        code: Code.CERTIFICATE_KEY_UNSUPPORTED,
        message: expect.stringMatching(/1024/),
      });
      expect(
        codeOf(() => sut.validate(office(weakMid).certificate, [weakMid.certificate], { at: now })),
      ).toBe(Code.CERTIFICATE_KEY_UNSUPPORTED);
    });

    it('certificates signed with SHA-1, naming it (CERTIFICATE_KEY_UNSUPPORTED)', () => {
      const sha1Leaf = office(rootA, { signatureHash: 'sha1' });
      const sha1Mid = issueIntermediateCa(rootB, { name: 'Mid SHA-1', signatureHash: 'sha1' });
      const policy = new TrustPolicy(snapshotOf([{ ca: rootA }, { ca: rootB }]));

      const refusal = refusalOf(() => policy.validate(sha1Leaf.certificate, [], { at: now }));
      expect(refusal).toEqual({
        code: Code.CERTIFICATE_KEY_UNSUPPORTED,
        message: expect.stringMatching(/SHA-1/),
      });
      expect(
        codeOf(() => policy.validate(office(sha1Mid).certificate, [sha1Mid.certificate], { at: now })),
      ).toBe(Code.CERTIFICATE_KEY_UNSUPPORTED);
      expect(
        policy.validate(office(rootA, { signatureHash: 'sha384' }).certificate, [], { at: now }),
      ).toBeDefined();
    });

    it('a CA certificate or one without the required keyUsage (CERTIFICATE_PROFILE_MISMATCH)', () => {
      const cases = [
        office(rootA, { ca: true }),
        office(rootA, { keyUsages: ['keyEncipherment'] }),
        office(rootA, { keyUsages: [] }),
      ];

      for (const leaf of cases) {
        expect(codeOf(() => sut.validate(leaf.certificate, [], { at: now }))).toBe(
          Code.CERTIFICATE_PROFILE_MISMATCH,
        );
      }
    });

    it.each<[string, Partial<OfficeCertificateOptions>]>([
      ['an office number of 8 characters', { officeNumber: '03000001' }],
      ['a lower-case office number', { officeNumber: '030000010a' }],
      ['an office without service types', { serviceTypes: [] }],
      ['a malformed service type', { serviceTypes: ['4'] }],
      ['an unknown role', { roles: ['admin'] }],
      ['two roles', { roles: ['office', 'operator'] }],
      ['a role the anchor does not allow', { roles: ['operator'], serviceTypes: [] }],
      ['a kokuhoren without prefecture', { roles: ['kokuhoren'], serviceTypes: [] }],
      ['a kokuhoren of prefecture 48', { roles: ['kokuhoren'], serviceTypes: [], prefecture: '48' }],
      ['a kokuhoren of prefecture 00', { roles: ['kokuhoren'], serviceTypes: [], prefecture: '00' }],
    ])('%s (CERTIFICATE_PROFILE_MISMATCH)', (_name, options) => {
      const policy = new TrustPolicy(snapshotOf([{ ca: rootA, roles: ['office', 'kokuhoren'] }]));

      expect(codeOf(() => policy.validate(office(rootA, options).certificate, [], { at: now }))).toBe(
        Code.CERTIFICATE_PROFILE_MISMATCH,
      );
    });

    it('a role the anchor does not allow, naming the role', () => {
      const refusal = refusalOf(() =>
        sut.validate(office(rootA, { roles: ['kokuhoren'], prefecture: '13' }).certificate, [], { at: now }),
      );

      expect(refusal).toEqual({
        code: Code.CERTIFICATE_PROFILE_MISMATCH,
        message: expect.stringContaining('"kokuhoren"'),
      });
    });

    it('an extension-based profile when the extension is missing or holds no string', () => {
      const profile: CertificateProfileSpec = {
        name: 'extension-test',
        officeNumber: { source: 'extension', oid: OID_TEST_OFFICE_NUMBER },
        requiredKeyUsages: ['digitalSignature'],
        allowedRoles: ['operator'],
        role: { source: 'extension', oid: OID_TEST_SERVICE_TYPES },
      };
      const policy = new TrustPolicy(snapshotOf([{ ca: rootA, profile }]));
      const withOffice = (values: string[]) =>
        office(rootA, {
          extensions: [
            { oid: OID_TEST_OFFICE_NUMBER, values },
            { oid: OID_TEST_SERVICE_TYPES, values: ['operator'] },
          ],
        });

      expect(policy.validate(withOffice(['OP00000009']).certificate, [], { at: now }).role).toBe('operator');
      // the subject serialNumber does not count under this profile
      expect(codeOf(() => policy.validate(office(rootA).certificate, [], { at: now }))).toBe(
        Code.CERTIFICATE_PROFILE_MISMATCH,
      );
      expect(
        codeOf(() => policy.validate(withOffice(['OP00000009', 'OP00000010']).certificate, [], { at: now })),
      ).toBe(Code.CERTIFICATE_PROFILE_MISMATCH);
    });
  });

  it('fromPem: version 0, every anchor active with the dev profile, ids from the SHA-256', () => {
    const policy = TrustPolicy.fromPem(`${rootA.certificatePem}\n${rootB.certificatePem}`, [
      'office',
      'operator',
    ]);

    expect(policy.snapshot.version).toBe(0);
    expect(policy.snapshot.anchors.map((anchor) => anchor.anchorId)).toEqual([
      `config-${rootA.fingerprint.slice(0, 16)}`,
      `config-${rootB.fingerprint.slice(0, 16)}`,
    ]);
    expect(policy.snapshot.anchors[0].profile.allowedRoles).toEqual(['office', 'operator']);
    expect(policy.validate(office(rootB).certificate, [], { at: now }).anchorId).toBe(
      `config-${rootB.fingerprint.slice(0, 16)}`,
    );
    expect(snapshotFromPem(undefined).anchors).toEqual([]);
    expect(
      codeOf(() => TrustPolicy.fromPem(undefined).validate(office(rootA).certificate, [], { at: now })),
    ).toBe(Code.TRUST_ANCHORS_NOT_CONFIGURED);
  });
});

describe(revocationIdOf.name, () => {
  it('gives the SHA-256 of the DER issuer Name and the serial as openssl prints it', () => {
    const leaf = office(rootA);
    const text = execFileSync('openssl', ['x509', '-noout', '-serial'], {
      input: leaf.certificatePem,
    }).toString();
    const issuerDer = new X509Certificate(rootA.certificate);

    const id = revocationIdOf(leaf.certificate);

    expect(id.serialNumber).toBe(
      text
        .trim()
        .replace(/^serial=/, '')
        .toLowerCase()
        .replace(/^0+/, ''),
    );
    // the leaf's issuer Name is the root's subject Name, byte for byte
    expect(id.issuerNameSha256).toBe(revocationIdOf(issuerDer.raw).issuerNameSha256);
  });
});

describe(CachedTrustPolicy.name, () => {
  it('answers like the uncached policy and parses a certificate once', () => {
    const snapshot = snapshotOf([{ ca: rootA }]);
    const sut = new CachedTrustPolicy(snapshot);
    const signer = refOf(office(rootA).certificate);

    const first = sut.validate(signer, [], { at: now });
    const again = sut.validate(signer, [], { at: now });

    expect(first).toEqual(new TrustPolicy(snapshot).validate(signer.der, [], { at: now }));
    expect(again).toEqual(first);
    expect(again.serviceTypes).not.toBe(first.serviceTypes);
    expect(sut.publicKey(signer)).toBe(sut.publicKey(signer));
    expect(sut.size).toBe(1);
    expect(sut.snapshot).toBe(snapshot);
  });

  it('refuses a certificate revoked after the policy was built on the next call', () => {
    const revocations = new RevocationSet();
    const sut = new CachedTrustPolicy(snapshotOf([{ ca: rootA }], revocations));
    const mid = issueIntermediateCa(rootA, { name: 'Mid cached' });
    const direct = refOf(office(rootA).certificate);
    const underMid = refOf(office(mid).certificate);
    expect(sut.validate(direct, [], { at: now }).role).toBe('office');
    expect(sut.validate(underMid, [mid.certificate], { at: now }).role).toBe('office');

    revoke(revocations, direct.der);
    revoke(revocations, mid.certificate);

    expect(codeOf(() => sut.validate(direct, [], { at: now }))).toBe(Code.CERTIFICATE_REVOKED);
    expect(codeOf(() => sut.validate(underMid, [mid.certificate], { at: now }))).toBe(
      Code.CERTIFICATE_REVOKED,
    );
  });

  it('applies the signing time on every call, cached or not', () => {
    const sut = new CachedTrustPolicy(snapshotOf([{ ca: rootA }]));
    const signer = refOf(office(rootA, { notBefore: new Date(now.getTime() - DAY) }).certificate);
    sut.validate(signer, [], { at: now });

    expect(
      codeOf(() => sut.validate(signer, [], { at: now, signedAt: new Date(now.getTime() - 2 * DAY) })),
    ).toBe(Code.CERTIFICATE_NOT_YET_VALID);
    expect(sut.validate(signer, [], { at: now, signedAt: now }).role).toBe('office');
  });

  it('never answers from the cache outside the validity window of what it looked at', () => {
    const sut = new CachedTrustPolicy(snapshotOf([{ ca: rootA }]));
    const mid = issueIntermediateCa(rootA, {
      name: 'Mid short',
      notAfter: new Date(now.getTime() + 30 * DAY),
    });
    const signer = refOf(office(mid).certificate);
    const identity = sut.validate(signer, [mid.certificate], { at: now });

    // the intermediate expires before the leaf
    expect(
      codeOf(() => sut.validate(signer, [mid.certificate], { at: new Date(now.getTime() + 31 * DAY) })),
    ).toBe(Code.CERTIFICATE_UNTRUSTED);
    expect(
      codeOf(() =>
        sut.validate(signer, [mid.certificate], { at: new Date(identity.notAfter.getTime() + 1000) }),
      ),
    ).toBe(Code.CERTIFICATE_UNTRUSTED);
    expect(codeOf(() => sut.validate(signer, [mid.certificate], { at: new Date(0) }))).toBe(
      Code.CERTIFICATE_UNTRUSTED,
    );
    expect(sut.validate(signer, [mid.certificate], { at: now })).toEqual(identity);
  });

  it('re-evaluates a cached verdict once the time is past the leaf notAfter', () => {
    const sut = new CachedTrustPolicy(snapshotOf([{ ca: rootA }]));
    const signer = refOf(office(rootA).certificate);
    const identity = sut.validate(signer, [], { at: now });

    expect(codeOf(() => sut.validate(signer, [], { at: new Date(identity.notAfter.getTime() + 1000) }))).toBe(
      Code.CERTIFICATE_EXPIRED,
    );
    expect(sut.validate(signer, [], { at: now })).toEqual(identity);
  });

  it('caches refusals too, with the same code, per set of accompanying certificates', () => {
    const sut = new CachedTrustPolicy(snapshotOf([{ ca: rootA }]));
    const mid = issueIntermediateCa(rootA, { name: 'Mid per set' });
    const signer = refOf(office(mid).certificate);

    expect(codeOf(() => sut.validate(signer, [], { at: now }))).toBe(Code.CERTIFICATE_UNTRUSTED);
    expect(codeOf(() => sut.validate(signer, [], { at: now }))).toBe(Code.CERTIFICATE_UNTRUSTED);
    expect(sut.validate(signer, [mid.certificate], { at: now }).role).toBe('office');
  });

  it('keeps at most maxEntries certificates, dropping the least recently used', () => {
    const sut = new CachedTrustPolicy(snapshotOf([{ ca: rootA }]), 2);
    const [a, b, c] = [office(rootA), office(rootA), office(rootA)].map((o) => refOf(o.certificate));
    const keyOfA = sut.publicKey(a);
    sut.publicKey(b);
    sut.publicKey(a);
    sut.publicKey(c);

    expect(sut.size).toBe(2);
    expect(sut.publicKey(a)).toBe(keyOfA);
    expect(sut.size).toBe(2);
  });

  it('gives undefined for the key of an unreadable certificate and refuses it', () => {
    const sut = new CachedTrustPolicy(snapshotOf([{ ca: rootA }]));

    expect(sut.publicKey(refOf(Buffer.from('junk')))).toBeUndefined();
    expect(codeOf(() => sut.validate(refOf(Buffer.from('junk')), [], { at: now }))).toBe(
      Code.CERTIFICATE_UNREADABLE,
    );
  });
});
