import {
  isKeyUsageName,
  isObjectIdentifier,
  isProfileFieldSource,
  isTrustRole,
  KEY_USAGE_NAMES,
  PROFILE_FIELD_SOURCES,
} from './certificate-profile.rules';
import { devCertificateProfile, TRUST_ROLES } from './trust-snapshot';

describe('certificate profile rules', () => {
  it('names every keyUsage bit in RFC 5280 order', () => {
    expect(KEY_USAGE_NAMES).toEqual([
      'digitalSignature',
      'nonRepudiation',
      'keyEncipherment',
      'dataEncipherment',
      'keyAgreement',
      'keyCertSign',
      'cRLSign',
    ]);
  });

  it('accepts the OIDs of the dev profile and refuses names, empty arcs, leading zeros and non-strings', () => {
    const profile = devCertificateProfile();
    for (const oid of [profile.officeNumber.oid, profile.serviceTypes?.oid, '1.2.392.200091.1.1', '2.0']) {
      expect(isObjectIdentifier(oid)).toBe(true);
    }
    for (const oid of ['serialNumber', '', '2', '3.1', '1..2', '1.02', '1.2.', ' 1.2', 2.5, undefined]) {
      expect(isObjectIdentifier(oid)).toBe(false);
    }
  });

  it('knows every keyUsage name and nothing else', () => {
    expect(KEY_USAGE_NAMES.every(isKeyUsageName)).toBe(true);
    for (const usage of ['signEverything', 'DigitalSignature', '', 0, null]) {
      expect(isKeyUsageName(usage)).toBe(false);
    }
  });

  it('knows every trust role and nothing else', () => {
    expect(TRUST_ROLES.every(isTrustRole)).toBe(true);
    for (const role of ['admin', 'Office', '', undefined]) {
      expect(isTrustRole(role)).toBe(false);
    }
  });

  it('reads a profile field from the subject or an extension only', () => {
    expect(PROFILE_FIELD_SOURCES).toEqual(['subject', 'extension']);
    expect(PROFILE_FIELD_SOURCES.every(isProfileFieldSource)).toBe(true);
    for (const source of ['issuer', 'Subject', '', 1, undefined]) {
      expect(isProfileFieldSource(source)).toBe(false);
    }
  });
});
