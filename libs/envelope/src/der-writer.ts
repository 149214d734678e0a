// A DER writer for large values: an element knows its length before a byte is written, so a whole structure is
// written into one buffer of the exact size and a megabyte of content is copied once (into the output), not once
// per enclosing element as concatenating TLVs does. The same tree can be fed to a hash without being written.
import { childrenOf, encodeOid, readRoot, TAG_INTEGER, TAG_OID, TAG_SEQUENCE } from './der-reader';

/** Bytes already encoded (written as they are), or an element whose value is its parts in order. */
export type DerPart = Uint8Array | DerElement;

/** Anything that takes bytes in order, e.g. a node:crypto Hash. */
export interface DerSink {
  update(bytes: Uint8Array): unknown;
}

/** the longest value a header here can state: four length octets */
const MAX_VALUE_LENGTH = 0xffff_ffff;

export class DerElement {
  /** octets of the value: the parts, without this element's header */
  readonly valueLength: number;
  /** octets of the whole element, header included (named as Uint8Array's, so a part's size is one property) */
  readonly byteLength: number;

  constructor(
    readonly tag: number,
    readonly parts: readonly DerPart[],
  ) {
    // one identifier octet: every tag written here has a number below 31
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) {
      throw new RangeError(`DER tag ${tag} does not fit one identifier octet`);
    }
    let length = 0;
    for (const part of parts) length += part.byteLength;
    if (length > MAX_VALUE_LENGTH) throw new RangeError(`DER value of ${length} octets is too long`);
    this.valueLength = length;
    this.byteLength = headerLength(length) + length;
  }
}

/** An element `tag` whose value is `parts` in order. */
export function der(tag: number, ...parts: DerPart[]): DerElement {
  return new DerElement(tag, parts);
}

/** Octets of the identifier and the definite length in minimal form (X.690 §10.1). */
export function headerLength(valueLength: number): number {
  if (valueLength < 0x80) return 2;
  if (valueLength <= 0xff) return 3;
  if (valueLength <= 0xffff) return 4;
  if (valueLength <= 0xff_ffff) return 5;
  return 6;
}

/** Writes `part` into `out` at `offset`; returns the offset just past it. */
export function writeDer(part: DerPart, out: Uint8Array, offset: number): number {
  if (offset + part.byteLength > out.byteLength) {
    throw new RangeError(`${part.byteLength} DER octets do not fit at ${offset} of ${out.byteLength}`);
  }
  return writePart(part, out, offset);
}

/** The DER of `part` in a new buffer of exactly its length. */
export function encodeDer(part: DerPart): Uint8Array {
  const out = new Uint8Array(part.byteLength);
  writePart(part, out, 0);
  return out;
}

/** Feeds the octets of `part` to `sink` in order, as `encodeDer` would write them, without writing them. */
export function updateDer(sink: DerSink, part: DerPart): void {
  if (part instanceof Uint8Array) {
    if (part.byteLength > 0) sink.update(part);
    return;
  }
  // a new buffer per header: a sink may keep what it is given (hashes copy, but a collector would not)
  const header = new Uint8Array(headerLength(part.valueLength));
  writeHeader(part.tag, part.valueLength, header, 0);
  sink.update(header);
  for (const child of part.parts) updateDer(sink, child);
}

function writePart(part: DerPart, out: Uint8Array, offset: number): number {
  if (part instanceof Uint8Array) {
    out.set(part, offset);
    return offset + part.byteLength;
  }
  let at = writeHeader(part.tag, part.valueLength, out, offset);
  for (const child of part.parts) at = writePart(child, out, at);
  return at;
}

function writeHeader(tag: number, valueLength: number, out: Uint8Array, offset: number): number {
  out[offset] = tag;
  const octets = headerLength(valueLength) - 2;
  if (octets === 0) {
    out[offset + 1] = valueLength;
    return offset + 2;
  }
  out[offset + 1] = 0x80 | octets;
  for (let i = octets, rest = valueLength; i > 0; i--, rest = Math.floor(rest / 256)) {
    out[offset + 1 + i] = rest & 0xff;
  }
  return offset + 2 + octets;
}

/** An OBJECT IDENTIFIER element, from its dotted form. */
export function oidElement(dotted: string): DerElement {
  return der(TAG_OID, encodeOid(dotted));
}

/**
 * IssuerAndSerialNumber (RFC 5652 §10.2.4) of a DER certificate: its TBSCertificate's issuer Name and serial
 * INTEGER as the certificate encodes them. The parts are views into `certificate`. Throws DerError or Error.
 */
export function issuerAndSerialNumberElement(certificate: Uint8Array): DerElement {
  const tbs = childrenOf(certificate, readRoot(certificate))[0];
  const fields = childrenOf(certificate, tbs);
  // [0] EXPLICIT version is optional (v1 certificates have none)
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = fields[at];
  const issuer = fields[at + 2];
  if (serial?.tag !== TAG_INTEGER || issuer?.tag !== TAG_SEQUENCE) {
    throw new Error('no serial number and issuer');
  }
  return der(
    TAG_SEQUENCE,
    certificate.subarray(issuer.start, issuer.end),
    certificate.subarray(serial.start, serial.end),
  );
}
