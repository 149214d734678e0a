import { Logger } from '@nestjs/common';
import type { AuthPrincipal, Outbox, PlatformConfig } from '@renkei/platform';
import type { EntityManager } from 'typeorm';
import type { OfficeMasterService } from '../office-master/office-master.service';
import type { CertificateExpiryService } from './certificate-expiry.service';
import type { PresentedCertificate } from './dto/register-office.dto';
import { OfficeEntity, OfficeStatus } from './office.entity';
import type { OfficeRepository } from './office.repository';
import type { OfficesClock } from './offices.clock';
import { OfficesError, OfficesErrorCode } from './offices.errors';
import { OfficesService } from './offices.service';

const NOW = new Date('2026-11-24T06:00:00.000Z');
const EARLIER = new Date('2026-01-01T00:00:00.000Z');

function certificate(sha256: string, officeNumber = '1310000001'): PresentedCertificate {
  return {
    der: Buffer.from(sha256),
    sha256,
    officeNumber,
    serviceTypes: ['43'],
    notAfter: new Date('2029-01-01T00:00:00.000Z'),
  };
}

function principal(sha256: string): AuthPrincipal {
  return {
    officeNumber: '1310000001',
    serviceTypes: ['43'],
    roles: ['office'],
    tokenId: 't-1',
    expiresAt: NOW,
    certificateSha256: sha256,
  };
}

function stored(sha256: string): OfficeEntity {
  return Object.assign(new OfficeEntity(), {
    officeNumber: '1310000001',
    serviceTypes: ['43'],
    status: OfficeStatus.ACTIVE,
    certificateDer: Buffer.from(sha256),
    certificateSha256: sha256,
    version: 1,
    registeredAt: EARLIER,
    updatedAt: EARLIER,
  });
}

function setup(
  existing: OfficeEntity | null,
  options: { requiresOfficeMaster?: boolean; activeInMaster?: boolean } = {},
) {
  const manager = {} as EntityManager;
  const mocks = {
    offices: {
      transaction: jest.fn((work: (m: EntityManager) => Promise<unknown>) => work(manager)),
      insertIfAbsent: jest.fn(async () => existing === null),
      lockByNumber: jest.fn(async () => existing),
      update: jest.fn(async () => undefined),
      getByNumber: jest.fn(async () => existing),
    },
    outbox: { add: jest.fn(async () => undefined) },
    clock: { now: () => NOW, uuid: () => '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a' },
    expiry: { statusOf: jest.fn() },
    master: { isActive: jest.fn(async () => options.activeInMaster ?? false) },
  };
  const config = { registration: { requiresOfficeMaster: options.requiresOfficeMaster ?? false } };
  const sut = new OfficesService(
    mocks.offices as unknown as OfficeRepository,
    mocks.outbox as unknown as Outbox,
    mocks.clock as OfficesClock,
    mocks.expiry as unknown as CertificateExpiryService,
    mocks.master as unknown as OfficeMasterService,
    config as PlatformConfig,
  );
  return { sut, mocks };
}

async function codeOf(promise: Promise<unknown>): Promise<OfficesErrorCode | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OfficesError) return error.code;
    throw error;
  }
  return undefined;
}

describe(OfficesService.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('registers a new office as version 1 with one event', async () => {
    const { sut, mocks } = setup(null);

    const result = await sut.register(principal('a'.repeat(64)), certificate('a'.repeat(64)));

    expect(result).toMatchObject({ created: true, office: { version: 1, registeredAt: NOW.toISOString() } });
    expect(mocks.outbox.add).toHaveBeenCalledTimes(1);
  });

  it('changes nothing and emits nothing for the certificate already published', async () => {
    const { sut, mocks } = setup(stored('a'.repeat(64)));

    const result = await sut.register(principal('a'.repeat(64)), certificate('a'.repeat(64)));

    expect(result).toMatchObject({
      created: false,
      office: { version: 1, updatedAt: EARLIER.toISOString() },
    });
    expect(mocks.offices.update).not.toHaveBeenCalled();
    expect(mocks.outbox.add).not.toHaveBeenCalled();
  });

  it('bumps the version and emits an event for another certificate', async () => {
    const { sut, mocks } = setup(stored('a'.repeat(64)));

    const result = await sut.register(principal('b'.repeat(64)), certificate('b'.repeat(64)));

    expect(result).toMatchObject({
      created: false,
      office: { version: 2, certificateSha256: 'b'.repeat(64), registeredAt: EARLIER.toISOString() },
    });
    expect(mocks.offices.update).toHaveBeenCalledTimes(1);
    expect(mocks.outbox.add).toHaveBeenCalledTimes(1);
  });

  it('refuses, before touching the directory, a certificate the token was not issued for', async () => {
    const { sut, mocks } = setup(null);

    expect(await codeOf(sut.register(principal('a'.repeat(64)), certificate('b'.repeat(64))))).toBe(
      OfficesErrorCode.OFFICE_CERTIFICATE_NOT_AUTHENTICATED,
    );
    expect(
      await codeOf(sut.register(principal('a'.repeat(64)), certificate('a'.repeat(64), '1310000002'))),
    ).toBe(OfficesErrorCode.OFFICE_CERTIFICATE_NOT_AUTHENTICATED);
    expect(mocks.offices.transaction).not.toHaveBeenCalled();
  });

  it('registers without asking the office master when REGISTRATION_REQUIRES_OFFICE_MASTER is false', async () => {
    const { sut, mocks } = setup(null, { requiresOfficeMaster: false, activeInMaster: false });

    const result = await sut.register(principal('a'.repeat(64)), certificate('a'.repeat(64)));

    expect(result.created).toBe(true);
    expect(mocks.master.isActive).not.toHaveBeenCalled();
  });

  it('refuses with OFFICE_NOT_IN_MASTER, before touching the directory, an office not active in the master', async () => {
    const { sut, mocks } = setup(null, { requiresOfficeMaster: true, activeInMaster: false });

    expect(await codeOf(sut.register(principal('a'.repeat(64)), certificate('a'.repeat(64))))).toBe(
      OfficesErrorCode.OFFICE_NOT_IN_MASTER,
    );
    expect(mocks.master.isActive).toHaveBeenCalledWith('1310000001', '43', NOW);
    expect(mocks.offices.transaction).not.toHaveBeenCalled();
  });

  it('registers an office active in the master with its service type when the master is required', async () => {
    const { sut } = setup(null, { requiresOfficeMaster: true, activeInMaster: true });

    const result = await sut.register(principal('a'.repeat(64)), certificate('a'.repeat(64)));

    expect(result.created).toBe(true);
  });

  it("answers the calling office's own record with its certificate status", async () => {
    const { sut, mocks } = setup(stored('a'.repeat(64)));
    const status = {
      certificate: {
        notAfter: '2029-01-01T00:00:00.000Z',
        daysLeft: 45,
        expiry: 'expiring',
        warning: null,
        nextWarningAt: '2028-12-04T00:00:00.000Z',
      },
      message: '電子証明書の有効期限まであと45日です。更新してください。',
    };
    mocks.expiry.statusOf.mockResolvedValue(status);

    const result = await sut.getOwn(principal('a'.repeat(64)));

    expect(result).toEqual({
      officeNumber: '1310000001',
      serviceTypes: ['43'],
      status: OfficeStatus.ACTIVE,
      certificateSha256: 'a'.repeat(64),
      version: 1,
      registeredAt: EARLIER.toISOString(),
      updatedAt: EARLIER.toISOString(),
      ...status,
    });
    expect(mocks.offices.getByNumber).toHaveBeenCalledWith('1310000001');
  });

  it('answers OFFICE_NOT_FOUND for the own record of an office not in the directory', async () => {
    const { sut, mocks } = setup(null);

    expect(await codeOf(sut.getOwn(principal('a'.repeat(64))))).toBe(OfficesErrorCode.OFFICE_NOT_FOUND);
    expect(mocks.expiry.statusOf).not.toHaveBeenCalled();
  });

  it('answers OFFICE_NOT_FOUND for an office not in the directory', async () => {
    const { sut } = setup(null);

    expect(await codeOf(sut.get('1310000009'))).toBe(OfficesErrorCode.OFFICE_NOT_FOUND);
  });
});
