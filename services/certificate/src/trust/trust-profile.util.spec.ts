import { devCertificateProfile } from '@renkei/envelope';
import { TrustError, TrustErrorCode } from './trust.errors';
import { parseProfile } from './trust-profile.util';

function problemsOf(input: unknown): unknown {
  try {
    parseProfile(input);
  } catch (error) {
    if (error instanceof TrustError && error.code === TrustErrorCode.TRUST_PROFILE_INVALID) {
      return error.details ?? error.message;
    }
    throw error;
  }
  return undefined;
}

describe(parseProfile.name, () => {
  it('accepts the dev profile for every role set unchanged', () => {
    for (const roles of [['office'], ['office', 'kokuhoren', 'operator'], ['operator']] as const) {
      expect(parseProfile(JSON.parse(JSON.stringify(devCertificateProfile(roles))))).toEqual(
        devCertificateProfile(roles),
      );
    }
  });

  it('accepts an extension-based profile', () => {
    const profile = {
      name: 'national-office',
      officeNumber: { source: 'extension', oid: '1.2.392.200091.1.1' },
      serviceTypes: { source: 'extension', oid: '1.2.392.200091.1.2' },
      requiredKeyUsages: ['digitalSignature', 'nonRepudiation'],
      allowedRoles: ['office'],
    };

    expect(parseProfile(profile)).toEqual(profile);
  });

  it('lists every problem: unknown role, bad OID, bad source, unknown key usage', () => {
    expect(
      problemsOf({
        ...devCertificateProfile(),
        name: '',
        allowedRoles: ['office', 'admin'],
        officeNumber: { source: 'subject', oid: 'serialNumber' },
        serviceTypes: { source: 'issuer', oid: '2.5.4.11' },
        requiredKeyUsages: ['signEverything'],
      }),
    ).toEqual([
      { field: 'name', problem: expect.any(String) },
      { field: 'officeNumber.oid', problem: expect.any(String) },
      { field: 'serviceTypes.source', problem: expect.any(String) },
      { field: 'requiredKeyUsages', problem: expect.stringContaining('signEverything') },
      { field: 'allowedRoles', problem: expect.stringContaining('admin') },
    ]);
  });

  it.each([
    [
      'an office profile without service types',
      { ...devCertificateProfile(), serviceTypes: undefined },
      'serviceTypes',
    ],
    [
      'a 国保連 profile without prefecture',
      { ...devCertificateProfile(['kokuhoren']), prefecture: undefined },
      'prefecture',
    ],
    [
      'an operator profile without a role field',
      { ...devCertificateProfile(['operator']), role: undefined },
      'role',
    ],
    ['no allowed role', { ...devCertificateProfile(), allowedRoles: [] }, 'allowedRoles'],
  ])('refuses %s', (_case, profile, field) => {
    expect(problemsOf(profile)).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('refuses what is not an object', () => {
    expect(problemsOf('dev')).toBe('profile must be an object');
  });
});
