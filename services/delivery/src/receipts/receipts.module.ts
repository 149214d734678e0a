import { Module } from '@nestjs/common';
import { deliveryRuntime } from '../delivery.runtime';
import { LicencesModule } from '../licences/licences.module';
import { EnvelopeRepository } from '../envelopes/envelope.repository';
import { TrustModule } from '../trust/trust.module';
import { ReceiptSignerPolicy } from './receipt-signer.policy';
import { ReceiptsClock } from './receipts.clock';
import { ReceiptsController } from './receipts.controller';
import { ReceiptsService } from './receipts.service';
import { RecipientReceiptRepository } from './recipient-receipt.repository';

/** Recipient receipts: verified, recorded once, announced (delivery.receipt.recorded.v1), served to both parties. */
@Module({
  imports: [deliveryRuntime, TrustModule, LicencesModule],
  controllers: [ReceiptsController],
  providers: [
    EnvelopeRepository,
    ReceiptsClock,
    ReceiptSignerPolicy,
    RecipientReceiptRepository,
    ReceiptsService,
  ],
})
export class ReceiptsModule {}
