import type { ServiceDefinition } from '@renkei/platform';
import { BillingAuditEntity } from './ledger/billing-audit.entity';
import { BillingLicenceEntity } from './ledger/billing-licence.entity';
import { CampaignEntity } from './ledger/campaign.entity';
import { DeductionCycleEntity } from './ledger/deduction-cycle.entity';
import { DeductionEntity } from './ledger/deduction.entity';
import { FeeScheduleEntryEntity } from './ledger/fee-schedule-entry.entity';
import { FeeEntity } from './ledger/fee.entity';
import { InvoiceEntity } from './ledger/invoice.entity';
import { CreateBillingSchema1767225600000 } from './migrations/1767225600000-CreateBillingSchema';
import { CreateBillingLedger1768435200000 } from './migrations/1768435200000-CreateBillingLedger';
import { AddOfficeNames1768608000000 } from './migrations/1768608000000-AddOfficeNames';

/** 差引: licence fees, campaigns, monthly deduction cycles per 国保連, results, reconciliation. */
export const billingDefinition: ServiceDefinition = {
  name: 'billing',
  schema: 'billing',
  entities: [
    BillingLicenceEntity,
    FeeScheduleEntryEntity,
    CampaignEntity,
    FeeEntity,
    DeductionCycleEntity,
    DeductionEntity,
    InvoiceEntity,
    BillingAuditEntity,
  ],
  migrations: [
    CreateBillingSchema1767225600000,
    CreateBillingLedger1768435200000,
    AddOfficeNames1768608000000,
  ],
  ports: { http: 8086, metrics: 9186 },
};
