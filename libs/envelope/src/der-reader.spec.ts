import * as asn1js from 'asn1js';
import { decodeOid, readRoot } from './der-reader';
import * as oid from './oids';

/** an OBJECT IDENTIFIER encoded by asn1js, so the reader's own table is not its own oracle */
function encoded(dotted: string): Uint8Array {
  return new Uint8Array(new asn1js.ObjectIdentifier({ value: dotted }).toBER(false));
}

describe('decodeOid', () => {
  it.each(Object.entries(oid))('reads %s as asn1js writes it', (_name, dotted) => {
    const der = encoded(dotted);
    expect(decodeOid(der, readRoot(der))).toBe(dotted);
  });

  it('reads OIDs outside the format table, and near misses of it', () => {
    for (const dotted of ['2.5.29.15', '1.2.840.113549.1.9.6', '1.2.840.113549.1.7.4', '2.999.1']) {
      const der = encoded(dotted);
      expect(decodeOid(der, readRoot(der))).toBe(dotted);
    }
  });
});
