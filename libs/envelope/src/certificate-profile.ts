import * as asn1js from 'asn1js';
import { parseCertificate } from './der';
import { OID_AT_ORGANIZATIONAL_UNIT, OID_AT_SERIAL_NUMBER } from './oids';

/** Prefix of a subject OU that carries one サービス種類コード in the dev certificate profile. */
export const SERVICE_TYPE_OU_PREFIX = 'serviceType=';

export interface OfficeIdentity {
  /** 事業所番号 from subject serialNumber (2.5.4.5), if present */
  officeNumber: string | undefined;
  /** サービス種類コード from subject OUs `serviceType=<code>` */
  serviceTypes: string[];
}

/**
 * Reads the office identity from a certificate under the dev profile (docs/envelope.md §6).
 * Throws MALFORMED_DER for a certificate that does not parse; a missing attribute is simply absent.
 */
export function readOfficeIdentity(certificateDer: Uint8Array): OfficeIdentity {
  const cert = parseCertificate(certificateDer, 'certificate');
  let officeNumber: string | undefined;
  const serviceTypes: string[] = [];
  for (const atv of cert.subject.typesAndValues) {
    const value = stringValue(atv.value);
    if (value === undefined) continue;
    if (atv.type === OID_AT_SERIAL_NUMBER) officeNumber = value;
    if (atv.type === OID_AT_ORGANIZATIONAL_UNIT && value.startsWith(SERVICE_TYPE_OU_PREFIX)) {
      serviceTypes.push(value.slice(SERVICE_TYPE_OU_PREFIX.length));
    }
  }
  return { officeNumber, serviceTypes };
}

function stringValue(value: unknown): string | undefined {
  if (value instanceof asn1js.Utf8String || value instanceof asn1js.PrintableString) return value.getValue();
  return undefined;
}
