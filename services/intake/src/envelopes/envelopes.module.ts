import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { intakeRuntime } from '../intake.runtime';
import { TrustModule } from '../trust/trust.module';
import { EnvelopeRepository } from './envelope.repository';
import { EnvelopesController } from './envelopes.controller';
import { EnvelopesService } from './envelopes.service';
import { IntakeClock } from './intake.clock';
import { IntakeMetrics } from './intake.metrics';
import { ReceiptSigner } from './receipt.signer';
import { SignerCertificatePolicy } from './signer-certificate.policy';

/** POST /v1/envelopes: verify, check, store once, announce (docs/exchange.md, Send). */
@Module({
  imports: [intakeRuntime, DirectoryModule, TrustModule],
  controllers: [EnvelopesController],
  providers: [
    IntakeClock,
    IntakeMetrics,
    SignerCertificatePolicy,
    ReceiptSigner,
    EnvelopeRepository,
    EnvelopesService,
  ],
})
export class EnvelopesModule {}
