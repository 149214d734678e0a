// object identifiers used on the wire; see docs/envelope.md §2.

/**
 * Private arc for Renkei. PLACEHOLDER: 32473 is the documentation PEN of RFC 5612, not ours; the arc must be
 * replaced by a registered PEN before production (which is a format version bump).
 */
export const RENKEI_ARC = '1.3.6.1.4.1.32473.1';
/** Signed attribute carrying the manifest as a UTF8String of canonical JSON. */
export const OID_MANIFEST_ATTRIBUTE = `${RENKEI_ARC}.1.1`;
/** eContentType of a receipt (acceptance or recipient): the eContent is the receipt's canonical JSON. */
export const OID_RECEIPT_CONTENT = `${RENKEI_ARC}.2.1`;

export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
export const OID_P256 = '1.2.840.10045.3.1.7';

export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
export const OID_AES256_WRAP = '2.16.840.1.101.3.4.1.45';
export const OID_RSAES_OAEP = '1.2.840.113549.1.1.7';
/** MGF1, the mask generation function in the RSAES-OAEP parameters */
export const OID_MGF1 = '1.2.840.113549.1.1.8';
export const OID_DH_SINGLE_PASS_STD_DH_SHA256_KDF = '1.3.132.1.11.1';

export const OID_AT_SERIAL_NUMBER = '2.5.4.5';
export const OID_AT_ORGANIZATIONAL_UNIT = '2.5.4.11';
