import { decodeEvent, Topics, TrustAnchorStatus } from '@renkei/contracts';
import { devCertificateProfile } from '@renkei/envelope';
import type { OutboxEventInput, PlatformConfig } from '@renkei/platform';
import { createDevCa, createDevCrl, issueOfficeCertificate, type DevCa } from '@renkei/testing';
import { createHash } from 'node:crypto';
import { readAnchorCertificate } from './anchor-certificate.util';
import type { RevokedCertificateEntity } from './revoked-certificate.entity';
import { TrustAnchorEntity } from './trust-anchor.entity';
import { TrustCrlEntity } from './trust-crl.entity';
import type { TrustClock } from './trust.clock';
import { TrustError, TrustErrorCode } from './trust.errors';
import type { TrustMetrics } from './trust.metrics';
import type { TrustRepository, TrustSession } from './trust.repository';
import { TrustService } from './trust.service';
import type { TrustStore } from './trust.store';

const NOW = new Date();
const ca = createDevCa({ name: 'Service unit CA — TEST ONLY' });
const other = createDevCa({ name: 'Service unit other CA — TEST ONLY' });

function anchorOf(issuer: DevCa, id: string, status: 'active' | 'retired' = 'active'): TrustAnchorEntity {
  const certificate = readAnchorCertificate(issuer.certificate, NOW);
  return Object.assign(new TrustAnchorEntity(), {
    id,
    certificateDer: Buffer.from(certificate.der),
    certificateSha256: certificate.sha256,
    subject: certificate.subject,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    status,
    profile: devCertificateProfile(),
    source: 'operator',
    addedAt: NOW,
    retiredAt: null,
    retireReason: null,
    crlDistributionPoint: null,
  });
}

function recordedCrlOf(anchorId: string, der: Uint8Array, crlNumber: string): TrustCrlEntity {
  return Object.assign(new TrustCrlEntity(), {
    anchorId,
    crlNumber,
    thisUpdate: new Date(NOW.getTime() - 60_000),
    nextUpdate: null,
    der: Buffer.from(der),
    sha256: createHash('sha256').update(der).digest('hex'),
    recordedAt: NOW,
    source: 'upload',
  });
}

function setup(anchors: TrustAnchorEntity[], crl?: TrustCrlEntity) {
  let ids = 0;
  const session = {
    version: 7n,
    anchors: jest.fn(async () => anchors),
    anchorById: jest.fn(async (id: string) => anchors.find((anchor) => anchor.id === id) ?? null),
    anchorBySha256: jest.fn(
      async (sha256: string) => anchors.find((anchor) => anchor.certificateSha256 === sha256) ?? null,
    ),
    saveAnchor: jest.fn(async () => undefined),
    crls: jest.fn(async () => (crl ? [crl] : [])),
    crlOf: jest.fn(async () => crl ?? null),
    saveCrl: jest.fn(async () => undefined),
    insertRevocations: jest.fn(async (entries: readonly RevokedCertificateEntity[]) => [...entries]),
    setVersion: jest.fn(async () => undefined),
    addEvents: jest.fn(async (_events: readonly OutboxEventInput[]) => undefined),
  };
  const mocks = {
    session,
    repository: {
      change: jest.fn(async <T>(work: (s: TrustSession) => Promise<T>) =>
        work(session as unknown as TrustSession),
      ),
      version: jest.fn(async () => 7n),
      anchors: jest.fn(async () => anchors),
      crls: jest.fn(async () => []),
    },
    store: { invalidate: jest.fn() },
    metrics: { observe: jest.fn() },
    clock: {
      now: jest.fn(() => NOW),
      uuid: jest.fn(() => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`),
    },
  };
  const sut = new TrustService(
    mocks.repository as unknown as TrustRepository,
    mocks.store as unknown as TrustStore,
    mocks.metrics as unknown as TrustMetrics,
    mocks.clock as unknown as TrustClock,
    { auth: { clockSkewSeconds: 60 } } as unknown as PlatformConfig,
  );
  return { sut, mocks };
}

async function codeOf(action: Promise<unknown>): Promise<TrustErrorCode | undefined> {
  try {
    await action;
  } catch (error) {
    if (error instanceof TrustError) return error.code;
    throw error;
  }
  return undefined;
}

const eventsOf = (mocks: ReturnType<typeof setup>['mocks']): OutboxEventInput[] =>
  mocks.session.addEvents.mock.calls.flatMap((call) => [...call[0]]);

describe(TrustService.name, () => {
  describe('anchors', () => {
    it('adds a CA as an office-only anchor by default and publishes the next version', async () => {
      const { sut, mocks } = setup([anchorOf(ca, 'a1')]);

      const added = await sut.addAnchor({ certificateDer: other.certificate });

      expect(added).toMatchObject({
        status: 'active',
        source: 'operator',
        profile: devCertificateProfile(['office']),
      });
      expect(mocks.session.setVersion).toHaveBeenCalledWith(8n);
      const [event] = eventsOf(mocks);
      expect(event).toMatchObject({ topic: Topics.certificateTrustChanged.name, key: 'trust' });
      expect(decodeEvent('certificateTrustChanged', event.value).version).toBe(8n);
      expect(mocks.store.invalidate).toHaveBeenCalled();
    });

    it('refuses a duplicate and a certificate that is not a CA, writing nothing', async () => {
      const { sut, mocks } = setup([anchorOf(ca, 'a1')]);
      const office = issueOfficeCertificate(ca, {
        officeNumber: '1310000001',
        serviceTypes: ['43'],
        keyType: 'ec',
      });

      expect(await codeOf(sut.addAnchor({ certificateDer: ca.certificate }))).toBe(
        TrustErrorCode.TRUST_ANCHOR_DUPLICATE,
      );
      expect(await codeOf(sut.addAnchor({ certificateDer: office.certificate }))).toBe(
        TrustErrorCode.TRUST_ANCHOR_INVALID,
      );
      expect(mocks.session.saveAnchor).not.toHaveBeenCalled();
      expect(mocks.session.setVersion).not.toHaveBeenCalled();
      expect(mocks.store.invalidate).not.toHaveBeenCalled();
    });

    it('retires an anchor while another stays active, and refuses to retire the last active one', async () => {
      const { sut, mocks } = setup([anchorOf(ca, 'a1'), anchorOf(other, 'a2')]);

      const retired = await sut.retireAnchor('a1', 'rotated');

      expect(retired).toMatchObject({ status: 'retired', retireReason: 'rotated', retiredAt: NOW });
      const event = decodeEvent('certificateTrustChanged', eventsOf(mocks)[0].value);
      expect(event.anchors.map((anchor) => anchor.status)).toEqual([
        TrustAnchorStatus.RETIRED,
        TrustAnchorStatus.ACTIVE,
      ]);
      expect(await codeOf(sut.retireAnchor('a2', 'no'))).toBe(TrustErrorCode.TRUST_ANCHOR_LAST_ACTIVE);
      expect(await codeOf(sut.retireAnchor('a1', 'again'))).toBe(TrustErrorCode.TRUST_ANCHOR_RETIRED);
      expect(await codeOf(sut.retireAnchor('nope', 'x'))).toBe(TrustErrorCode.TRUST_ANCHOR_NOT_FOUND);
      expect(mocks.session.setVersion).toHaveBeenCalledTimes(1);
    });

    it('seeds only the configured certificates not yet known, with the configured roles', async () => {
      const { sut, mocks } = setup([anchorOf(ca, 'a1')]);

      expect(await sut.seed([ca.certificate, other.certificate], ['office', 'operator'])).toBe(true);

      expect(mocks.session.saveAnchor).toHaveBeenCalledTimes(1);
      expect(mocks.session.saveAnchor).toHaveBeenCalledWith(
        expect.objectContaining({ source: 'config', profile: devCertificateProfile(['office', 'operator']) }),
      );
      expect(await setup([anchorOf(ca, 'a1')]).sut.seed([ca.certificate], ['office'])).toBe(false);
    });
  });

  describe('CRLs', () => {
    it('records a newer CRL, its entries at the next version, and one event per new entry', async () => {
      const { sut, mocks } = setup(
        [anchorOf(ca, 'a1')],
        recordedCrlOf('a1', createDevCrl(ca, { crlNumber: 1 }), '1'),
      );
      const der = createDevCrl(ca, {
        crlNumber: 2,
        entries: [
          { serialNumber: '0a', revokedAt: NOW },
          { serialNumber: 'A', revokedAt: NOW },
          { serialNumber: 'b', revokedAt: NOW, reason: 1 },
        ],
      });

      const recorded = await sut.recordCrl(der, 'upload');

      expect(recorded).toMatchObject({
        anchorId: 'a1',
        crlNumber: '2',
        entries: 3,
        newlyRevoked: 2,
        trustVersion: '8',
        changed: true,
      });
      const inserted = mocks.session.insertRevocations.mock.calls[0][0];
      expect(inserted.map((entry) => [entry.serialNumber, entry.trustVersion, entry.anchorId])).toEqual([
        ['a', '8', 'a1'],
        ['b', '8', 'a1'],
      ]);
      expect(eventsOf(mocks).map((event) => event.topic)).toEqual([
        Topics.certificateTrustChanged.name,
        Topics.certificateRevocationRecorded.name,
        Topics.certificateRevocationRecorded.name,
      ]);
    });

    it('changes nothing for the CRL already recorded', async () => {
      const der = createDevCrl(ca, { crlNumber: 3 });
      const { sut, mocks } = setup([anchorOf(ca, 'a1')], recordedCrlOf('a1', der, '3'));

      expect(await sut.recordCrl(der, 'fetch')).toMatchObject({
        changed: false,
        newlyRevoked: 0,
        trustVersion: '7',
      });
      expect(mocks.session.saveCrl).not.toHaveBeenCalled();
      expect(mocks.session.setVersion).not.toHaveBeenCalled();
    });

    it.each<[string, () => Uint8Array, TrustErrorCode]>([
      ['an older cRLNumber', () => createDevCrl(ca, { crlNumber: 2 }), TrustErrorCode.CRL_OUTDATED],
      [
        'the same cRLNumber with other content',
        () => createDevCrl(ca, { crlNumber: 3 }),
        TrustErrorCode.CRL_OUTDATED,
      ],
      [
        'a CRL of a retired anchor only',
        () => createDevCrl(other, { crlNumber: 9 }),
        TrustErrorCode.CRL_ISSUER_UNKNOWN,
      ],
      [
        'a CRL signed by another key of the same name',
        () => createDevCrl(createDevCa({ name: 'Service unit CA — TEST ONLY' }), { crlNumber: 9 }),
        TrustErrorCode.CRL_SIGNATURE_INVALID,
      ],
      [
        'a thisUpdate beyond the clock skew',
        () => createDevCrl(ca, { crlNumber: 9, thisUpdate: new Date(NOW.getTime() + 120_000) }),
        TrustErrorCode.CRL_NOT_YET_VALID,
      ],
    ])('refuses %s, writing nothing', async (_case, der, code) => {
      const { sut, mocks } = setup(
        [anchorOf(ca, 'a1'), anchorOf(other, 'a2', 'retired')],
        recordedCrlOf('a1', createDevCrl(ca, { crlNumber: 3 }), '3'),
      );

      expect(await codeOf(sut.recordCrl(der(), 'upload'))).toBe(code);
      expect(mocks.session.saveCrl).not.toHaveBeenCalled();
      expect(mocks.session.insertRevocations).not.toHaveBeenCalled();
      expect(mocks.session.addEvents).not.toHaveBeenCalled();
    });

    it('compares thisUpdate when a CRL carries no cRLNumber', async () => {
      const recorded = recordedCrlOf('a1', createDevCrl(ca), '1');
      recorded.crlNumber = null;
      recorded.thisUpdate = new Date(NOW.getTime() - 3_600_000);
      const { sut } = setup([anchorOf(ca, 'a1')], recorded);
      const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000);

      expect(await codeOf(sut.recordCrl(createDevCrl(ca, { thisUpdate: at(120) }), 'upload'))).toBe(
        TrustErrorCode.CRL_OUTDATED,
      );
      expect(await sut.recordCrl(createDevCrl(ca, { thisUpdate: at(1) }), 'upload')).toMatchObject({
        changed: true,
      });
    });
  });
});
