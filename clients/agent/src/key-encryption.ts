// The office key at rest: PKCS#8 EncryptedPrivateKeyInfo, PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (RFC 8018),
// as PEM "ENCRYPTED PRIVATE KEY". Node's own export uses OpenSSL's default of 2048 PBKDF2 iterations and cannot be
// told otherwise, so the structure is written here; reading it back is OpenSSL's (createPrivateKey with a
// passphrase), which also proves that `openssl pkcs8` can open the file.
import { createCipheriv, createPrivateKey, KeyObject, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { AgentError, AgentErrorCode, ExitCode } from './agent.errors';

const pbkdf2Async = promisify(pbkdf2);

/**
 * PBKDF2-HMAC-SHA256 iterations for new keys (OWASP's 2023 figure): unlock took 140–250 ms on this project's
 * 2-core machine under load (key-encryption.spec.ts prints it). The count is stored in the file, so raising it
 * later does not break older keys (`renkei profile rekey` re-encrypts with the current count).
 */
export const KEY_KDF_ITERATIONS = 600_000;

/** shortest passphrase accepted for a new key (the OS secret store's generated ones are 43 characters) */
export const MIN_PASSPHRASE_LENGTH = 8;

const ENCRYPTED_LABEL = 'ENCRYPTED PRIVATE KEY';
const PLAIN_LABEL = 'PRIVATE KEY';

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
};

export interface KeyEncryptionOptions {
  /** PBKDF2 iterations; tests may lower it, never below 1000 */
  iterations?: number;
}

export type KeyFileKind = 'encrypted' | 'plain';

/** Which kind of PEM a key file holds (by its label), or undefined when it is neither. */
export function keyFileKind(pem: string): KeyFileKind | undefined {
  const label = /-----BEGIN ([A-Z ]+)-----/.exec(pem)?.[1];
  if (label === ENCRYPTED_LABEL) return 'encrypted';
  if (label === PLAIN_LABEL) return 'plain';
  return undefined;
}

/** The key as an encrypted PKCS#8 PEM under `passphrase`. */
export async function encryptPrivateKey(
  key: KeyObject,
  passphrase: string,
  options: KeyEncryptionOptions = {},
): Promise<string> {
  const iterations = options.iterations ?? KEY_KDF_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1000) throw new Error('too few PBKDF2 iterations');
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const derived = await pbkdf2Async(Buffer.from(passphrase, 'utf8'), salt, iterations, 32, 'sha256');
  const plain = key.export({ type: 'pkcs8', format: 'der' });
  const cipher = createCipheriv('aes-256-cbc', derived, iv);
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  derived.fill(0);
  const der = sequence(
    sequence(
      oid(OID.pbes2),
      sequence(
        sequence(
          oid(OID.pbkdf2),
          sequence(
            octetString(salt),
            integer(iterations),
            integer(32),
            sequence(oid(OID.hmacWithSha256), NULL),
          ),
        ),
        sequence(oid(OID.aes256Cbc), octetString(iv)),
      ),
    ),
    octetString(encrypted),
  );
  const body = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${ENCRYPTED_LABEL}-----\n${body.replace(/\n$/, '')}\n-----END ${ENCRYPTED_LABEL}-----\n`;
}

/** Opens an encrypted (or, for profiles of older versions, plain) PKCS#8 PEM. */
export function decryptPrivateKey(pem: string, passphrase: string | undefined): KeyObject {
  const kind = keyFileKind(pem);
  if (kind === 'plain') return createPrivateKey(pem);
  if (kind !== 'encrypted') throw new Error('not a PKCS#8 PEM key');
  if (passphrase === undefined) throw passphraseRequired();
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch {
    // OpenSSL answers "bad decrypt" (or, rarely, an ASN.1 error on garbage): either way the passphrase is wrong;
    // the error text is not passed on (it could only describe the key material)
    throw new AgentError(
      AgentErrorCode.KEY_PASSPHRASE_WRONG,
      '秘密鍵のパスフレーズが違います (wrong key passphrase)',
      ExitCode.InvalidInput,
    );
  }
}

/** The PBKDF2 iteration count written in an encrypted key PEM (for tests and `profile list`). */
export function keyKdfIterations(pem: string): number | undefined {
  if (keyFileKind(pem) !== 'encrypted') return undefined;
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  // the structure is ours (or OpenSSL's): find the PBKDF2 OID, then the salt, then the INTEGER after it
  const marker = oid(OID.pbkdf2);
  const at = der.indexOf(marker);
  if (at < 0) return undefined;
  let i = at + marker.length;
  if (der[i] !== 0x30) return undefined;
  i += 2; // SEQUENCE, short length (the params are < 128 bytes)
  if (der[i] !== 0x04) return undefined;
  i += 2 + der[i + 1]; // the salt
  if (der[i] !== 0x02) return undefined;
  const length = der[i + 1];
  return der.subarray(i + 2, i + 2 + length).reduce((n, byte) => n * 256 + byte, 0);
}

export function passphraseRequired(detail = ''): AgentError {
  return new AgentError(
    AgentErrorCode.KEY_PASSPHRASE_REQUIRED,
    `秘密鍵のパスフレーズが必要です。--passphrase-file FILE、環境変数 RENKEI_KEY_PASSPHRASE、OS の資格情報ストアのいずれかで渡すか、端末から実行して入力してください${detail} (key passphrase required)`,
    ExitCode.Usage,
  );
}

// --- minimal DER ---

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  if (n > 0xffff) throw new Error('DER value too long');
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const NULL = Buffer.from([0x05, 0x00]);

function integer(value: number): Buffer {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (bytes.length === 0 || bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}
