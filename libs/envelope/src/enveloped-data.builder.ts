// The EnvelopedData of an envelope (docs/envelope.md §1), made with node:crypto and written as DER directly, in
// the layout pkijs wrote before: version 2, the recipient infos in the order given, AES-256-CBC with the IV in the
// parameters, the ciphertext one primitive [0]. The plaintext parts go through one cipher as they are, never
// joined, and the ciphertext stays in the cipher's output chunks until the whole envelope is written.
import { constants, createCipheriv, createECDH, createHash, publicEncrypt, randomBytes } from 'node:crypto';
import { TAG_CONTEXT_0, TAG_CONTEXT_1, TAG_OCTET_STRING, TAG_SEQUENCE, TAG_SET } from './der-reader';
import { der, DerElement, encodeDer, oidElement } from './der-writer';
import * as oid from './oids';
import { SealingCertificate } from './sealing-certificates';

const CONTENT_KEY_BYTES = 32;
const IV_BYTES = 16;
/** RFC 5753 user keying material: 64 random octets, as pkijs wrote */
const UKM_BYTES = 64;
/** RFC 3394 default initial value of AES key wrap */
const KEY_WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/**
 * EnvelopedData of `plaintext` (the parts in order) to each certificate: RSA-OAEP (SHA-256) key transport for an
 * RSA key, ECDH (P-256, ephemeral-static, X9.63 KDF with SHA-256, AES-256 key wrap) for an EC one. Each
 * certificate must have passed `checkSealingKey`.
 */
export function envelopedDataElement(
  plaintext: readonly Uint8Array[],
  recipients: readonly SealingCertificate[],
): DerElement {
  const contentKey = randomBytes(CONTENT_KEY_BYTES);
  const iv = randomBytes(IV_BYTES);
  try {
    const recipientInfos = recipients.map((r) =>
      r.keyType === 'rsa' ? keyTransRecipientInfo(r, contentKey) : keyAgreeRecipientInfo(r, contentKey),
    );
    const cipher = createCipheriv('aes-256-cbc', contentKey, iv);
    const ciphertext = plaintext.map((part) => cipher.update(part));
    ciphertext.push(cipher.final());
    return der(
      TAG_SEQUENCE,
      INTEGER_2,
      der(TAG_SET, ...recipientInfos),
      der(
        TAG_SEQUENCE,
        DATA_OID,
        der(TAG_SEQUENCE, AES256_CBC_OID, der(TAG_OCTET_STRING, iv)),
        // encryptedContent [0] IMPLICIT OCTET STRING, primitive (pkijs with disableSplit)
        der(TAG_ENCRYPTED_CONTENT, ...ciphertext),
      ),
    );
  } finally {
    contentKey.fill(0);
  }
}

function keyTransRecipientInfo(recipient: SealingCertificate, contentKey: Buffer): DerElement {
  const encryptedKey = publicEncrypt(
    { key: recipient.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    contentKey,
  );
  return der(
    TAG_SEQUENCE,
    INTEGER_0,
    recipient.issuerAndSerialNumber,
    RSAES_OAEP_SHA256_ALGORITHM,
    der(TAG_OCTET_STRING, encryptedKey),
  );
}

function keyAgreeRecipientInfo(recipient: SealingCertificate, contentKey: Buffer): DerElement {
  if (recipient.ecPoint === undefined) throw new Error('the recipient key is not on P-256');
  const ephemeral = createECDH('prime256v1');
  const originatorPoint = ephemeral.generateKeys();
  const sharedSecret = ephemeral.computeSecret(recipient.ecPoint);
  const ukm = randomBytes(UKM_BYTES);
  const keyEncryptionKey = x963Sha256Kdf(sharedSecret, eccCmsSharedInfo(ukm));
  sharedSecret.fill(0);
  let wrappedKey: Buffer;
  try {
    const wrap = createCipheriv('id-aes256-wrap', keyEncryptionKey, KEY_WRAP_IV);
    wrappedKey = Buffer.concat([wrap.update(contentKey), wrap.final()]);
  } finally {
    keyEncryptionKey.fill(0);
  }
  return der(
    TAG_KEY_AGREE_RECIPIENT_INFO,
    INTEGER_3,
    // originator [0] EXPLICIT OriginatorIdentifierOrKey: originatorKey [1] IMPLICIT OriginatorPublicKey
    der(
      TAG_CONTEXT_0,
      der(TAG_CONTEXT_1, EC_P256_ALGORITHM, der(TAG_BIT_STRING, NO_UNUSED_BITS, originatorPoint)),
    ),
    // ukm [1] EXPLICIT UserKeyingMaterial
    der(TAG_CONTEXT_1, der(TAG_OCTET_STRING, ukm)),
    ECDH_SHA256_KDF_AES256_WRAP_ALGORITHM,
    // RecipientEncryptedKeys: one, by issuer and serial number
    der(TAG_SEQUENCE, der(TAG_SEQUENCE, recipient.issuerAndSerialNumber, der(TAG_OCTET_STRING, wrappedKey))),
  );
}

/** ECC-CMS-SharedInfo (RFC 5753 §7.2): the key-wrap algorithm, the ukm, the KEK length in bits. */
export function eccCmsSharedInfo(ukm: Uint8Array): Uint8Array {
  return encodeDer(
    der(
      TAG_SEQUENCE,
      AES256_WRAP_ALGORITHM,
      der(TAG_CONTEXT_0, der(TAG_OCTET_STRING, ukm)),
      der(TAG_CONTEXT_2, der(TAG_OCTET_STRING, KEK_BITS)),
    ),
  );
}

/** ANSI X9.63 KDF with SHA-256 for a 256-bit key: one block, SHA-256(Z || 00000001 || SharedInfo). */
export function x963Sha256Kdf(sharedSecret: Uint8Array, sharedInfo: Uint8Array): Buffer {
  return createHash('sha256').update(sharedSecret).update(COUNTER_1).update(sharedInfo).digest();
}

const TAG_BIT_STRING = 0x03;
/** [2] constructed, context-specific */
const TAG_CONTEXT_2 = 0xa2;
/** kari [1] IMPLICIT KeyAgreeRecipientInfo inside RecipientInfo */
const TAG_KEY_AGREE_RECIPIENT_INFO = 0xa1;
/** encryptedContent [0] IMPLICIT, primitive */
const TAG_ENCRYPTED_CONTENT = 0x80;

const INTEGER_0 = Uint8Array.of(0x02, 0x01, 0x00);
const INTEGER_2 = Uint8Array.of(0x02, 0x01, 0x02);
const INTEGER_3 = Uint8Array.of(0x02, 0x01, 0x03);
const NULL = Uint8Array.of(0x05, 0x00);
const NO_UNUSED_BITS = Uint8Array.of(0x00);
const COUNTER_1 = Uint8Array.of(0x00, 0x00, 0x00, 0x01);
const KEK_BITS = Uint8Array.of(0x00, 0x00, 0x01, 0x00);

const DATA_OID = encodeDer(oidElement(oid.OID_DATA));
const AES256_CBC_OID = encodeDer(oidElement(oid.OID_AES256_CBC));
/** AES-256 key wrap, parameters absent (RFC 3565 §2.3.2) */
const AES256_WRAP_ALGORITHM = encodeDer(der(TAG_SEQUENCE, oidElement(oid.OID_AES256_WRAP)));
const SHA256_WITH_NULL = der(TAG_SEQUENCE, oidElement(oid.OID_SHA256), NULL);
/** RSAES-OAEP-params: hashAlgorithm [0] sha256, maskGenAlgorithm [1] MGF1(sha256), pSourceAlgorithm default */
const RSAES_OAEP_SHA256_ALGORITHM = encodeDer(
  der(
    TAG_SEQUENCE,
    oidElement(oid.OID_RSAES_OAEP),
    der(
      TAG_SEQUENCE,
      der(TAG_CONTEXT_0, SHA256_WITH_NULL),
      der(TAG_CONTEXT_1, der(TAG_SEQUENCE, oidElement(oid.OID_MGF1), SHA256_WITH_NULL)),
    ),
  ),
);
const ECDH_SHA256_KDF_AES256_WRAP_ALGORITHM = encodeDer(
  der(TAG_SEQUENCE, oidElement(oid.OID_DH_SINGLE_PASS_STD_DH_SHA256_KDF), AES256_WRAP_ALGORITHM),
);
const EC_P256_ALGORITHM = encodeDer(
  der(TAG_SEQUENCE, oidElement(oid.OID_EC_PUBLIC_KEY), oidElement(oid.OID_P256)),
);
