import { decodeEvent } from '@renkei/contracts';
import { createDevCa, issueOfficeCertificate } from '@renkei/testing';
import { randomUUID } from 'node:crypto';
import { certificateRevokedMessage, trustChangedMessage } from './fixtures/trust-events.fixture';
import { revocationOf, trustChangeOf } from './trust-events.util';

const ca = createDevCa();
const anchorId = randomUUID();
const trustChanged = (version = 3) =>
  decodeEvent(
    'certificateTrustChanged',
    trustChangedMessage(version, [
      { anchorId, certificateDer: ca.certificate, allowedRoles: ['office', 'operator'] },
      { anchorId: randomUUID(), certificateDer: createDevCa().certificate, active: false },
    ]).value,
  );

describe(trustChangeOf.name, () => {
  it('reads the version, every anchor and its profile as libs/envelope names them', () => {
    const sut = trustChangeOf(trustChanged());

    expect(sut.version).toBe('3');
    expect(sut.anchors.map((anchor) => anchor.active)).toEqual([true, false]);
    expect(sut.anchors[0]).toMatchObject({ anchorId, certificateSha256: ca.fingerprint });
    expect(sut.anchors[0].profile).toEqual({
      name: 'dev',
      officeNumber: { source: 'subject', oid: '2.5.4.5' },
      serviceTypes: { source: 'subject', oid: '2.5.4.11', valuePrefix: 'serviceType=' },
      requiredKeyUsages: ['digitalSignature'],
      allowedRoles: ['office', 'operator'],
      role: { source: 'subject', oid: '2.5.4.11', valuePrefix: 'role=' },
      prefecture: { source: 'subject', oid: '2.5.4.11', valuePrefix: 'prefecture=' },
    });
  });

  it('refuses version 0', () => {
    expect(() => trustChangeOf(trustChanged(0))).toThrow('version must be at least 1');
  });

  it('refuses an anchor whose certificate_sha256 is not its DER digest', () => {
    const event = trustChanged();
    event.anchors[0].certificateSha256 = '0'.repeat(64);

    expect(() => trustChangeOf(event)).toThrow('anchors[0].certificate_sha256');
  });

  it('refuses an anchor that is not a CA certificate', () => {
    const event = trustChanged();
    const office = issueOfficeCertificate(ca, {
      officeNumber: '1310000001',
      serviceTypes: ['43'],
      keyType: 'ec',
    });
    event.anchors[0].certificateDer = office.certificate;
    event.anchors[0].certificateSha256 = office.fingerprint;

    expect(() => trustChangeOf(event)).toThrow('not a CA certificate');
  });

  it('refuses a profile with an unknown role or no office number field', () => {
    const unknownRole = trustChanged();
    const noOfficeNumber = trustChanged();
    const [roles, officeNumber] = [unknownRole, noOfficeNumber].map((event) => event.anchors[0].profile);
    if (!roles || !officeNumber) throw new Error('the fixture sets a profile');
    roles.allowedRoles = ['office', 'admin'];
    officeNumber.officeNumber = undefined;

    expect(() => trustChangeOf(unknownRole)).toThrow('allowed_roles holds admin');
    expect(() => trustChangeOf(noOfficeNumber)).toThrow('office_number is not configured');
  });
});

describe(revocationOf.name, () => {
  const office = issueOfficeCertificate(ca, {
    officeNumber: '1310000001',
    serviceTypes: ['43'],
    keyType: 'ec',
  });
  const revoked = () =>
    decodeEvent(
      'certificateRevocationRecorded',
      certificateRevokedMessage(office.certificate, { anchorId }).value,
    );

  it('reads the issuer name digest and the canonical serial', () => {
    const event = revoked();
    event.serialNumber = `00${event.serialNumber}`;

    const sut = revocationOf(event);

    expect(sut.serialNumber).toBe(revoked().serialNumber.replace(/^0+/, ''));
    expect(sut).toMatchObject({ anchorId, reason: 1 });
  });

  it('refuses an issuer digest or serial that is not lower-case hex', () => {
    const badIssuer = revoked();
    badIssuer.issuerNameSha256 = 'X'.repeat(64);
    const badSerial = revoked();
    badSerial.serialNumber = '12:34';

    expect(() => revocationOf(badIssuer)).toThrow('issuer_name_sha256');
    expect(() => revocationOf(badSerial)).toThrow('serial_number');
  });
});
