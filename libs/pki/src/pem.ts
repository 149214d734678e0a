import { createHash, createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import { DevCredential, DevKeyType } from './dev-pki';

/**
 * A credential from PEM text (a certificate and its PKCS#8/SEC1/PKCS#1 private key), e.g. a dev CA kept on
 * disk as ca.pem + ca.key.pem. Throws if the key does not match the certificate; the error never quotes the key.
 */
export function credentialFromPem(certificatePem: string, privateKeyPem: string): DevCredential {
  const certificate = new X509Certificate(certificatePem);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new Error('the private key PEM is not readable');
  }
  const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (!certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(fromKey)) {
    throw new Error('the private key does not match the certificate');
  }
  return credentialFromKey(new Uint8Array(certificate.raw), privateKey);
}

/** A credential from a DER certificate and its private key object (e.g. what importPkcs12 returns). */
export function credentialFromKey(certificate: Uint8Array, privateKey: KeyObject): DevCredential {
  const keyType: DevKeyType = privateKey.asymmetricKeyType === 'rsa' ? 'rsa' : 'ec';
  return {
    keyType,
    certificate,
    certificatePem: new X509Certificate(certificate).toString(),
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: createHash('sha256').update(certificate).digest('hex'),
  };
}

/** How a dev CA is kept in a directory (standalone's <data dir>/dev-ca, `renkei pki dev-init --out DIR`). */
export const DEV_CA_CERTIFICATE_FILE = 'ca.pem';
/** the CA's PKCS#8 private key, mode 0600 */
export const DEV_CA_KEY_FILE = 'ca.key.pem';
