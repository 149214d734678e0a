import { Module } from '@nestjs/common';
import { certificateRuntime } from '../certificate.runtime';
import { TrustModule } from '../trust/trust.module';
import { AuthChallengeRepository } from './auth-challenge.repository';
import { AuthClock } from './auth.clock';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwksController } from './jwks.controller';
import { OfficeCertificateValidator } from './office-certificate.validator';
import { TokenSigningKeyRepository } from './token-signing-key.repository';
import { TokenSigningKeysService } from './token-signing-keys.service';

/** Challenge → token, and the published key set (docs/auth.md). */
@Module({
  imports: [certificateRuntime, TrustModule],
  controllers: [AuthController, JwksController],
  providers: [
    AuthClock,
    AuthChallengeRepository,
    TokenSigningKeyRepository,
    TokenSigningKeysService,
    OfficeCertificateValidator,
    AuthService,
  ],
})
export class AuthModule {}
