import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A discount on fees of terms starting within [startsOn, endsOn]; 100 % is a free pass. */
@Entity({ name: 'campaign' })
@Index('campaign_starts_on_idx', ['startsOn'])
export class CampaignEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'campaign_pkey' })
  id!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  /** YYYY-MM-DD (JST), inclusive */
  @Column({ name: 'starts_on', type: 'date' })
  startsOn!: string;

  /** YYYY-MM-DD (JST), inclusive */
  @Column({ name: 'ends_on', type: 'date' })
  endsOn!: string;

  /** 1–100 */
  @Column({ name: 'discount_percent', type: 'integer' })
  discountPercent!: number;

  @Column({ name: 'reason', type: 'text' })
  reason!: string;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  @Column({ name: 'withdrawn_reason', type: 'text', nullable: true })
  withdrawnReason!: string | null;
}
