import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one row saying which trust configuration version the anchors are (no row: none recorded yet). */
@Entity({ name: 'trust_view_state' })
export class TrustViewStateEntity {
  /** always 1 */
  @PrimaryColumn({ name: 'id', type: 'smallint', primaryKeyConstraintName: 'trust_view_state_pkey' })
  id!: number;

  @Column({ name: 'version', type: 'bigint' })
  version!: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
