import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { intakeRuntime } from '../intake.runtime';
import { EnvelopeRepository } from './envelope.repository';
import { EnvelopesController } from './envelopes.controller';
import { EnvelopesService } from './envelopes.service';
import { IntakeClock } from './intake.clock';
import { IntakeMetrics } from './intake.metrics';
import { SignerCertificatePolicy } from './signer-certificate.policy';

/** POST /v1/envelopes: verify, check, store once, announce (docs/exchange.md, Send). */
@Module({
  imports: [intakeRuntime, DirectoryModule],
  controllers: [EnvelopesController],
  providers: [IntakeClock, IntakeMetrics, SignerCertificatePolicy, EnvelopeRepository, EnvelopesService],
})
export class EnvelopesModule {}
