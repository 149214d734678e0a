import { createDevCa, issueOfficeCertificate } from '@renkei/testing';
import { OfficesError, OfficesErrorCode } from '../offices.errors';
import {
  parseOfficeNumber,
  parseRegisterOfficeDto,
  pemOf,
  readPresentedCertificate,
} from './register-office.dto';

const NOT_AFTER = new Date('2029-04-01T09:30:15.000Z');
const office = issueOfficeCertificate(createDevCa(), {
  officeNumber: '1310000001',
  serviceTypes: ['43', '46'],
  keyType: 'ec',
  notAfter: NOT_AFTER,
});

function codeOf(action: () => unknown): OfficesErrorCode | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof OfficesError) return error.code;
    throw error;
  }
  return undefined;
}

describe('register office request', () => {
  it('accepts a body with exactly one PEM certificate', () => {
    expect(parseRegisterOfficeDto({ certificatePem: office.certificatePem })).toEqual({
      certificatePem: office.certificatePem,
    });
  });

  it('refuses a body without a PEM certificate, with two, or that is not an object', () => {
    const two = `${office.certificatePem}\n${office.certificatePem}`;

    for (const body of [
      undefined,
      'x',
      {},
      { certificatePem: 42 },
      { certificatePem: 'hello' },
      { certificatePem: two },
    ]) {
      expect(codeOf(() => parseRegisterOfficeDto(body))).toBe(OfficesErrorCode.REQUEST_INVALID);
    }
  });

  it('reads the digest, the office identity and the notAfter of the presented certificate', () => {
    expect(readPresentedCertificate(office.certificatePem)).toEqual({
      der: Buffer.from(office.certificate),
      sha256: office.fingerprint,
      officeNumber: '1310000001',
      serviceTypes: ['43', '46'],
      notAfter: NOT_AFTER,
    });
  });

  it('refuses a PEM block that is not an X.509 certificate', () => {
    const garbage = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----';

    expect(codeOf(() => readPresentedCertificate(garbage))).toBe(OfficesErrorCode.OFFICE_CERTIFICATE_INVALID);
  });

  it('writes a DER certificate back as the PEM it was read from', () => {
    expect(readPresentedCertificate(pemOf(office.certificate)).sha256).toBe(office.fingerprint);
  });

  it('accepts only 10 × [0-9A-Z] as an office number', () => {
    expect(parseOfficeNumber('13100000AZ')).toBe('13100000AZ');
    for (const bad of ['131000000', '13100000001', '131000000a', '13100-0001']) {
      expect(codeOf(() => parseOfficeNumber(bad))).toBe(OfficesErrorCode.OFFICE_NUMBER_INVALID);
    }
  });
});
