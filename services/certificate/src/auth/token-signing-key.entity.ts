import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A token signing key: its public JWK is published, its private half is stored encrypted (docs/auth.md). */
@Entity({ name: 'token_signing_key' })
export class TokenSigningKeyEntity {
  @PrimaryColumn({ name: 'kid', type: 'text', primaryKeyConstraintName: 'token_signing_key_pkey' })
  kid!: string;

  @Column({ name: 'algorithm', type: 'text' })
  algorithm!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: Record<string, string>;

  /** scrypt salt (16) ‖ AES-256-GCM iv (12) ‖ tag (16) ‖ encrypted PKCS#8 DER */
  @Column({ name: 'private_key_ciphertext', type: 'bytea' })
  privateKeyCiphertext!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
