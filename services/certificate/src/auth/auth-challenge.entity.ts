import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A nonce handed to an agent; exchanged once, before it expires, for a token. */
@Entity({ name: 'auth_challenge' })
export class AuthChallengeEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'auth_challenge_pkey' })
  id!: string;

  /** 32 random bytes, base64url */
  @Column({ name: 'nonce', type: 'text' })
  nonce!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
