// Challenge → token: issue a nonce; take it back signed by an office certificate; answer with an ES256 token
// naming the office. Every check fails with a CertificateAuthError carrying a stable code.
import { PlatformConfig } from '@renkei/platform';
import { Inject, Injectable } from '@nestjs/common';
import {
  EnvelopeErrorCode,
  isEnvelopeError,
  verifyChallengeSignature,
  VerifiedChallenge,
} from '@renkei/envelope';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenClaims } from '@renkei/platform';
import { AuthChallengeEntity } from './auth-challenge.entity';
import { AuthChallengeRepository } from './auth-challenge.repository';
import { AuthClock } from './auth.clock';
import { CertificateAuthError, CertificateAuthErrorCode } from './auth.errors';
import { OfficeCertificateValidator } from './office-certificate.validator';
import { TokenSigningKeysService } from './token-signing-keys.service';

export const CHALLENGE_LIFETIME_SECONDS = 300;

export interface IssuedChallenge {
  readonly challengeId: string;
  readonly nonce: string;
  readonly expiresAt: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly tokenType: 'Bearer';
  readonly expiresAt: string;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(AuthChallengeRepository) private readonly challenges: AuthChallengeRepository,
    @Inject(TokenSigningKeysService) private readonly signingKeys: TokenSigningKeysService,
    @Inject(OfficeCertificateValidator) private readonly validator: OfficeCertificateValidator,
    @Inject(AuthClock) private readonly clock: AuthClock,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
  ) {}

  async createChallenge(): Promise<IssuedChallenge> {
    const now = this.clock.now();
    const challenge = new AuthChallengeEntity();
    challenge.id = this.clock.uuid();
    challenge.nonce = this.clock.nonce();
    challenge.createdAt = now;
    challenge.expiresAt = new Date(now.getTime() + CHALLENGE_LIFETIME_SECONDS * 1000);
    challenge.usedAt = null;
    await this.challenges.create(challenge);
    return {
      challengeId: challenge.id,
      nonce: challenge.nonce,
      expiresAt: challenge.expiresAt.toISOString(),
    };
  }

  async issueToken(challengeId: string, signedChallenge: Uint8Array): Promise<IssuedToken> {
    const now = this.clock.now();
    const signed = checkSignature(signedChallenge);
    const principal = await this.validator.validate(
      signed.signerCertificate.der,
      signed.otherCertificates,
      now,
    );
    if (!(await this.challenges.consume(challengeId, signed.nonce, now))) {
      throw await this.whyNotConsumed(challengeId, signed.nonce, now);
    }
    const iat = Math.floor(now.getTime() / 1000);
    const lifetime = this.config.auth.tokenLifetimeSeconds;
    const exp = Math.min(iat + lifetime, Math.floor(principal.notAfter.getTime() / 1000));
    const claims: TokenClaims = {
      sub: principal.officeNumber,
      serviceTypes: principal.serviceTypes,
      roles: [principal.role],
      ...(principal.role === 'kokuhoren' && principal.prefecture ? { prefecture: principal.prefecture } : {}),
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      iat,
      nbf: iat,
      exp,
      jti: this.clock.uuid(),
      cnf: { 'x5t#S256': Buffer.from(signed.signerCertificate.sha256, 'hex').toString('base64url') },
    };
    return {
      token: await this.signingKeys.sign(claims),
      tokenType: 'Bearer',
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  private async whyNotConsumed(id: string, nonce: string, now: Date): Promise<CertificateAuthError> {
    const challenge = await this.challenges.getById(id);
    if (!challenge) {
      return new CertificateAuthError(CertificateAuthErrorCode.CHALLENGE_NOT_FOUND, 'no such challenge');
    }
    if (challenge.usedAt) {
      return new CertificateAuthError(
        CertificateAuthErrorCode.CHALLENGE_USED,
        'the challenge was already used',
      );
    }
    if (challenge.expiresAt <= now) {
      return new CertificateAuthError(
        CertificateAuthErrorCode.CHALLENGE_EXPIRED,
        'the challenge has expired',
      );
    }
    if (challenge.nonce !== nonce) {
      return new CertificateAuthError(
        CertificateAuthErrorCode.SIGNATURE_INVALID,
        'the signed content is not the nonce of this challenge',
      );
    }
    return new CertificateAuthError(
      CertificateAuthErrorCode.CHALLENGE_USED,
      'the challenge was already used',
    );
  }
}

function checkSignature(der: Uint8Array): VerifiedChallenge {
  try {
    return verifyChallengeSignature(der);
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    const malformed = [
      EnvelopeErrorCode.MALFORMED_DER,
      EnvelopeErrorCode.NOT_SIGNED_DATA,
      EnvelopeErrorCode.UNEXPECTED_CONTENT_TYPE,
      EnvelopeErrorCode.LIMIT_EXCEEDED,
      EnvelopeErrorCode.SIGNER_INFO_MISSING,
      EnvelopeErrorCode.MULTIPLE_SIGNERS,
      EnvelopeErrorCode.SIGNED_ATTRIBUTES_MISSING,
      EnvelopeErrorCode.SIGNER_CERTIFICATE_MISSING,
    ].includes(error.code);
    throw new CertificateAuthError(
      malformed
        ? CertificateAuthErrorCode.SIGNED_CHALLENGE_MALFORMED
        : CertificateAuthErrorCode.SIGNATURE_INVALID,
      error.message,
    );
  }
}
