// The vocabulary a CertificateProfileSpec is written in, in one place: which keyUsage names, roles and field
// sources exist and what an OID looks like. The certificate service checks an operator's profile with it (and
// lists every problem), the trust read models check the profiles of certificate.trust.changed.v1 with it (and
// throw for the DLQ); each caller keeps its own codes and messages. Pure, no I/O.
import { KEY_USAGE_BITS } from './certificate-facts';
import { TRUST_ROLES, type KeyUsageName, type ProfileField, type TrustRole } from './trust-snapshot';

/** Every keyUsage name a profile may require, in RFC 5280 bit order. */
export const KEY_USAGE_NAMES: readonly KeyUsageName[] = Object.keys(KEY_USAGE_BITS) as KeyUsageName[];

/** Where a ProfileField may be read. */
export const PROFILE_FIELD_SOURCES: readonly ProfileField['source'][] = ['subject', 'extension'];

// dotted decimal, first arc 0–2, no leading zeros
const OBJECT_IDENTIFIER = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/** `value` is a dotted object identifier such as `2.5.4.5`. */
export function isObjectIdentifier(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_IDENTIFIER.test(value);
}

/** `value` is one of KEY_USAGE_NAMES. */
export function isKeyUsageName(value: unknown): value is KeyUsageName {
  return (KEY_USAGE_NAMES as readonly unknown[]).includes(value);
}

/** `value` is one of TRUST_ROLES. */
export function isTrustRole(value: unknown): value is TrustRole {
  return (TRUST_ROLES as readonly unknown[]).includes(value);
}

/** `value` is one of PROFILE_FIELD_SOURCES. */
export function isProfileFieldSource(value: unknown): value is ProfileField['source'] {
  return (PROFILE_FIELD_SOURCES as readonly unknown[]).includes(value);
}
