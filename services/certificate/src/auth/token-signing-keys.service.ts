// The token signing key: generated on first use, stored in the certificate schema with its private half
// encrypted under TOKEN_SIGNING_KEY_SECRET (scrypt → AES-256-GCM), published as a JWKS. Rotation is a later
// issue: every stored key is published; the oldest one signs.
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import {
  EcPublicJwk,
  InProcessKeySet,
  JsonWebKeySet,
  PlatformConfig,
  publicJwkOf,
  signEs256,
} from '@renkei/platform';
import { AuthClock } from './auth.clock';
import { TokenSigningKeyEntity } from './token-signing-key.entity';
import { TokenSigningKeyRepository } from './token-signing-key.repository';

interface ActiveKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly published: JsonWebKeySet;
}

@Injectable()
export class TokenSigningKeysService implements OnModuleInit {
  private readonly logger = new Logger(TokenSigningKeysService.name);
  private active: Promise<ActiveKey> | undefined;

  constructor(
    @Inject(TokenSigningKeyRepository) private readonly keys: TokenSigningKeyRepository,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
    @Inject(InProcessKeySet) private readonly inProcess: InProcessKeySet,
    @Inject(AuthClock) private readonly clock: AuthClock,
  ) {}

  onModuleInit(): void {
    if (!this.config.auth.signingKeySecret) {
      throw new Error('TOKEN_SIGNING_KEY_SECRET is not set: the certificate module cannot issue tokens');
    }
    this.inProcess.attach(() => this.keySet());
  }

  async keySet(): Promise<JsonWebKeySet> {
    return (await this.load()).published;
  }

  async sign(claims: object): Promise<string> {
    const key = await this.load();
    return signEs256(claims, key.privateKey, key.kid);
  }

  /** loads (or first creates) the keys once; a failure is retried on the next call */
  private load(): Promise<ActiveKey> {
    this.active ??= this.loadOrCreate().catch((error: unknown) => {
      this.active = undefined;
      throw error;
    });
    return this.active;
  }

  private async loadOrCreate(): Promise<ActiveKey> {
    let stored = await this.keys.findAll();
    if (stored.length === 0) {
      await this.keys.insertIfAbsent(this.generate());
      stored = await this.keys.findAll();
      this.logger.log({ kid: stored[0]?.kid }, 'token signing key created');
    }
    const [first] = stored;
    if (!first) throw new Error('no token signing key could be stored');
    return {
      kid: first.kid,
      privateKey: this.decrypt(first),
      published: { keys: stored.map((key) => key.publicJwk as unknown as EcPublicJwk) },
    };
  }

  private generate(): TokenSigningKeyEntity {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const kid = createHash('sha256').update(spki).digest('base64url').slice(0, 22);
    const entity = new TokenSigningKeyEntity();
    entity.kid = kid;
    entity.algorithm = 'ES256';
    entity.publicJwk = { ...publicJwkOf(publicKey, kid) };
    entity.privateKeyCiphertext = this.encrypt(privateKey.export({ type: 'pkcs8', format: 'der' }), kid);
    entity.createdAt = this.clock.now();
    return entity;
  }

  private encrypt(plaintext: Buffer, kid: string): Buffer {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keyEncryptionKey(salt), iv);
    cipher.setAAD(Buffer.from(kid));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([salt, iv, cipher.getAuthTag(), ciphertext]);
  }

  private decrypt(key: TokenSigningKeyEntity): KeyObject {
    const blob = key.privateKeyCiphertext;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.keyEncryptionKey(blob.subarray(0, 16)),
        blob.subarray(16, 28),
      );
      decipher.setAAD(Buffer.from(key.kid));
      decipher.setAuthTag(blob.subarray(28, 44));
      const der = Buffer.concat([decipher.update(blob.subarray(44)), decipher.final()]);
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch {
      // never the cause: it could carry key material
      throw new Error(
        `token signing key ${key.kid} does not decrypt: is TOKEN_SIGNING_KEY_SECRET the one it was stored with?`,
      );
    }
  }

  private keyEncryptionKey(salt: Buffer): Buffer {
    return scryptSync(this.config.auth.signingKeySecret ?? '', salt, 32);
  }
}
