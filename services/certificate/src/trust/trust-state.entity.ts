import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one row holding the trust configuration's version, incremented by every change. */
@Entity({ name: 'trust_state' })
export class TrustStateEntity {
  /** always 1 */
  @PrimaryColumn({ name: 'id', type: 'smallint', primaryKeyConstraintName: 'trust_state_pkey' })
  id!: number;

  @Column({ name: 'version', type: 'bigint' })
  version!: string;
}
