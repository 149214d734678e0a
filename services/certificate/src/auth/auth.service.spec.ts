import type { PlatformConfig, TokenClaims } from '@renkei/platform';
import { signChallenge, type PrincipalIdentity } from '@renkei/envelope';
import { createDevCa, issueOfficeCertificate } from '@renkei/testing';
import { AuthChallengeEntity } from './auth-challenge.entity';
import { AuthChallengeRepository } from './auth-challenge.repository';
import { AuthClock } from './auth.clock';
import { CertificateAuthError, CertificateAuthErrorCode } from './auth.errors';
import { AuthService } from './auth.service';
import { OfficeCertificateValidator } from './office-certificate.validator';
import { TokenSigningKeysService } from './token-signing-keys.service';

const NOW = new Date('2026-11-24T06:00:00.000Z');
const office = issueOfficeCertificate(createDevCa(), {
  officeNumber: '1310000001',
  serviceTypes: ['43'],
  keyType: 'ec',
});
const NONCE = 'bm9uY2Utb2YtdGhpcy1jaGFsbGVuZ2UtMzItYnl0ZXMh';
const CHALLENGE_ID = '5b0c43a4-9f3e-4d7a-8b9a-6a2e1c0d9f11';

function setup() {
  const mocks = {
    challenges: { create: jest.fn(), getById: jest.fn(), consume: jest.fn() },
    signingKeys: { sign: jest.fn(async () => 'signed.token.value') },
    validator: { validate: jest.fn(async (): Promise<PrincipalIdentity> => principal()) },
    clock: { now: jest.fn(() => NOW), uuid: jest.fn(() => CHALLENGE_ID), nonce: jest.fn(() => NONCE) },
  };
  const sut = new AuthService(
    mocks.challenges as unknown as AuthChallengeRepository,
    mocks.signingKeys as unknown as TokenSigningKeysService,
    mocks.validator as unknown as OfficeCertificateValidator,
    mocks.clock as unknown as AuthClock,
    { auth: { tokenLifetimeSeconds: 900 } } as unknown as PlatformConfig,
  );
  return { sut, mocks };
}

function principal(overrides: Partial<PrincipalIdentity> = {}): PrincipalIdentity {
  return {
    officeNumber: '1310000001',
    serviceTypes: ['43'],
    role: 'office',
    notAfter: new Date('2027-11-24T00:00:00Z'),
    anchorId: 'anchor-1',
    certificateSha256: office.fingerprint,
    ...overrides,
  };
}

function stored(overrides: Partial<AuthChallengeEntity> = {}): AuthChallengeEntity {
  return Object.assign(new AuthChallengeEntity(), {
    id: CHALLENGE_ID,
    nonce: NONCE,
    createdAt: NOW,
    expiresAt: new Date(NOW.getTime() + 300000),
    usedAt: null,
    ...overrides,
  });
}

const signedNonce = (nonce = NONCE) =>
  signChallenge(nonce, { certificate: office.certificate, privateKey: office.privateKey });

async function codeOf(promise: Promise<unknown>): Promise<CertificateAuthErrorCode | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CertificateAuthError) return error.code;
    throw error;
  }
  return undefined;
}

describe(AuthService.name, () => {
  it('stores a challenge that expires in five minutes', async () => {
    const { sut, mocks } = setup();

    const result = await sut.createChallenge();

    expect(result).toEqual({
      challengeId: CHALLENGE_ID,
      nonce: NONCE,
      expiresAt: '2026-11-24T06:05:00.000Z',
    });
    expect(mocks.challenges.create).toHaveBeenCalledWith(stored());
  });

  it('issues a 15-minute token naming the office once the challenge is consumed', async () => {
    const { sut, mocks } = setup();
    mocks.challenges.consume.mockResolvedValue(true);

    const result = await sut.issueToken(CHALLENGE_ID, signedNonce());

    expect(result).toEqual({
      token: 'signed.token.value',
      tokenType: 'Bearer',
      expiresAt: '2026-11-24T06:15:00.000Z',
    });
    expect(mocks.challenges.consume).toHaveBeenCalledWith(CHALLENGE_ID, NONCE, NOW);
    const iat = NOW.getTime() / 1000;
    expect(mocks.signingKeys.sign).toHaveBeenCalledWith(
      expect.objectContaining({
        sub: '1310000001',
        serviceTypes: ['43'],
        roles: ['office'],
        iat,
        exp: iat + 900,
      }),
    );
  });

  it('never issues a token that outlives the office certificate', async () => {
    const { sut, mocks } = setup();
    mocks.challenges.consume.mockResolvedValue(true);
    mocks.validator.validate.mockResolvedValue(principal({ notAfter: new Date('2026-11-24T06:05:00Z') }));

    const result = await sut.issueToken(CHALLENGE_ID, signedNonce());

    expect(result.expiresAt).toBe('2026-11-24T06:05:00.000Z');
  });

  it('issues the role the certificate binds, and a 国保連 its prefecture', async () => {
    const { sut, mocks } = setup();
    mocks.challenges.consume.mockResolvedValue(true);
    mocks.validator.validate.mockResolvedValueOnce(principal({ role: 'operator', serviceTypes: [] }));
    mocks.validator.validate.mockResolvedValueOnce(
      principal({ role: 'kokuhoren', serviceTypes: [], prefecture: '13' }),
    );

    await sut.issueToken(CHALLENGE_ID, signedNonce());
    await sut.issueToken(CHALLENGE_ID, signedNonce());

    const claims = mocks.signingKeys.sign.mock.calls.map((call: unknown[]) => call[0] as TokenClaims);
    expect(claims[0]).toMatchObject({ roles: ['operator'], serviceTypes: [] });
    expect(claims[0]).not.toHaveProperty('prefecture');
    expect(claims[1]).toMatchObject({ roles: ['kokuhoren'], prefecture: '13' });
  });

  it.each([
    ['an unknown challenge', null, CertificateAuthErrorCode.CHALLENGE_NOT_FOUND],
    ['a used challenge', stored({ usedAt: NOW }), CertificateAuthErrorCode.CHALLENGE_USED],
    ['an expired challenge', stored({ expiresAt: NOW }), CertificateAuthErrorCode.CHALLENGE_EXPIRED],
    [
      'a challenge with another nonce',
      stored({ nonce: 'other' }),
      CertificateAuthErrorCode.SIGNATURE_INVALID,
    ],
  ])('refuses %s', async (_case, challenge, code) => {
    const { sut, mocks } = setup();
    mocks.challenges.consume.mockResolvedValue(false);
    mocks.challenges.getById.mockResolvedValue(challenge);

    expect(await codeOf(sut.issueToken(CHALLENGE_ID, signedNonce()))).toBe(code);
    expect(mocks.signingKeys.sign).not.toHaveBeenCalled();
  });

  it('refuses bytes that are not a signed challenge before touching the challenge', async () => {
    const { sut, mocks } = setup();

    expect(await codeOf(sut.issueToken(CHALLENGE_ID, Buffer.from('garbage')))).toBe(
      CertificateAuthErrorCode.SIGNED_CHALLENGE_MALFORMED,
    );
    expect(mocks.challenges.consume).not.toHaveBeenCalled();
  });

  it('refuses the challenge when the certificate policy refuses the signer', async () => {
    const { sut, mocks } = setup();
    mocks.validator.validate.mockRejectedValue(
      new CertificateAuthError(CertificateAuthErrorCode.CERTIFICATE_UNTRUSTED, 'untrusted'),
    );

    expect(await codeOf(sut.issueToken(CHALLENGE_ID, signedNonce()))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_UNTRUSTED,
    );
    expect(mocks.challenges.consume).not.toHaveBeenCalled();
  });
});
