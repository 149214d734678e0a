import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { certificateRuntime } from './certificate.runtime';

@Module({
  imports: [certificateRuntime, AuthModule],
})
export class CertificateModule {}
