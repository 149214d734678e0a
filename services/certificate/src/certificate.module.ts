import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { certificateRuntime } from './certificate.runtime';
import { TrustModule } from './trust/trust.module';

@Module({
  imports: [certificateRuntime, TrustModule, AuthModule],
})
export class CertificateModule {}
