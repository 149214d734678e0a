import { Logger } from '@nestjs/common';
import type { AuthPrincipal } from '@renkei/platform';
import { officeNumberOf } from './fixtures/office-master.fixtures';
import type { OfficeMasterClock } from './office-master.clock';
import { OfficeMasterEntryEntity } from './office-master-entry.entity';
import { OfficeMasterErrorCode } from './office-master.errors';
import type { OfficeMasterRepository } from './office-master.repository';
import { japanDateOf, OfficeMasterService } from './office-master.service';
import { MasterStatus } from './office-master.types';

const OFFICE = officeNumberOf('13', 1);

function entry(overrides: Partial<OfficeMasterEntryEntity> = {}): OfficeMasterEntryEntity {
  return Object.assign(new OfficeMasterEntryEntity(), {
    officeNumber: OFFICE,
    prefecture: '13',
    name: 'ケアプラン事業所',
    nameKana: null,
    serviceTypes: ['43', '46'],
    status: MasterStatus.ACTIVE,
    statusReason: null,
    designatedFrom: '2026-04-01',
    designatedTo: '2032-03-31',
    postalCode: null,
    address: null,
    version: 1,
    uploadId: '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
    asOf: '2026-12-01',
    updatedAt: new Date('2026-12-01T00:00:00.000Z'),
    ...overrides,
  });
}

function setup(found: OfficeMasterEntryEntity | null) {
  const mocks = {
    master: { getEntry: jest.fn(async () => found), transaction: jest.fn() },
    clock: { now: () => new Date('2026-12-02T00:00:00.000Z'), uuid: () => 'id' },
  };
  const sut = new OfficeMasterService(
    mocks.master as unknown as OfficeMasterRepository,
    mocks.clock as OfficeMasterClock,
  );
  return { sut, mocks };
}

const principal = (roles: string[], prefecture?: string): AuthPrincipal => ({
  officeNumber: 'KOKUHOREN1',
  serviceTypes: [],
  roles,
  ...(prefecture === undefined ? {} : { prefecture }),
  tokenId: 't',
  expiresAt: new Date('2026-12-02T01:00:00.000Z'),
  certificateSha256: 'a'.repeat(64),
});

describe(OfficeMasterService.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  describe('isActive', () => {
    const at = new Date('2026-12-02T03:00:00.000Z');

    it('is true for an active office with the service type inside its designation period', async () => {
      expect(await setup(entry()).sut.isActive(OFFICE, '46', at)).toBe(true);
    });

    it.each([
      ['absent', null, '43', at],
      ['suspended', entry({ status: MasterStatus.SUSPENDED }), '43', at],
      ['closed', entry({ status: MasterStatus.CLOSED }), '43', at],
      ['without the service type', entry(), '15', at],
      ['before its designation (in Japan)', entry(), '43', new Date('2026-03-31T14:59:59.000Z')],
      ['after its designation (in Japan)', entry(), '43', new Date('2032-03-31T15:00:00.000Z')],
    ])('is false for an office %s', async (_case, found, serviceType, when) => {
      expect(await setup(found).sut.isActive(OFFICE, serviceType, when)).toBe(false);
    });

    it('counts the first and last designated days in Japan as inside', async () => {
      const { sut } = setup(entry());
      expect(await sut.isActive(OFFICE, '43', new Date('2026-03-31T15:00:00.000Z'))).toBe(true);
      expect(await sut.isActive(OFFICE, '43', new Date('2032-03-31T14:59:59.000Z'))).toBe(true);
    });
  });

  describe('authorizePrefecture', () => {
    const { sut } = setup(null);
    const codeOf = (who: AuthPrincipal, prefecture: string) => {
      try {
        sut.authorizePrefecture(who, prefecture);
        return 'allowed';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };

    it('allows the prefecture 国保連 and operators, and nobody else', () => {
      expect(codeOf(principal(['kokuhoren'], '13'), '13')).toBe('allowed');
      expect(codeOf(principal(['operator']), '13')).toBe('allowed');
      expect(codeOf(principal(['kokuhoren'], '14'), '13')).toBe(
        OfficeMasterErrorCode.OFFICE_MASTER_FORBIDDEN,
      );
      expect(codeOf(principal(['office']), '13')).toBe(OfficeMasterErrorCode.OFFICE_MASTER_FORBIDDEN);
      expect(codeOf(principal(['operator']), '48')).toBe(
        OfficeMasterErrorCode.OFFICE_MASTER_PREFECTURE_INVALID,
      );
    });
  });

  it('answers OFFICE_MASTER_OFFICE_NOT_FOUND for an office of another prefecture, as for a missing one', async () => {
    const { sut } = setup(entry());

    await expect(sut.office(principal(['kokuhoren'], '14'), OFFICE)).rejects.toMatchObject({
      code: OfficeMasterErrorCode.OFFICE_MASTER_OFFICE_NOT_FOUND,
    });
    await expect(sut.office(principal(['kokuhoren'], '13'), OFFICE)).resolves.toMatchObject({
      officeNumber: OFFICE,
    });
  });
});

describe(japanDateOf.name, () => {
  it('turns to the next day at 15:00 UTC', () => {
    expect(japanDateOf(new Date('2026-12-01T14:59:59.999Z'))).toBe('2026-12-01');
    expect(japanDateOf(new Date('2026-12-01T15:00:00.000Z'))).toBe('2026-12-02');
  });
});
