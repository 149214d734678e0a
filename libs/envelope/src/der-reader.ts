// A minimal, strict DER reader for the fast verification path: it reads tag-length-value headers over one
// buffer and hands out offsets, never copies. Definite lengths in minimal form only, no trailing bytes, bounded
// depth. Encodings that BER allows but DER forbids (indefinite length, non-minimal length, constructed
// strings) are reported as `NotDerError`, so a caller can route them to a BER parser; anything else that is
// wrong is a `DerError`.
import * as oid from './oids';

/** the maximum nesting the reader follows; certificates and CMS stay far below it */
export const MAX_DER_DEPTH = 32;

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_UTF8_STRING = 0x0c;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;
/** [0] constructed, context-specific */
export const TAG_CONTEXT_0 = 0xa0;
/** [1] constructed, context-specific */
export const TAG_CONTEXT_1 = 0xa1;

/** The input is not well-formed DER (truncated, bad length, wrong tag, trailing bytes, too deep). */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** The input uses an encoding that BER allows and DER forbids. */
export class NotDerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotDerError';
  }
}

/** One element: its identifier (first octet for low tag numbers) and where its parts are in the buffer. */
export interface Tlv {
  /** the identifier octet; for high tag numbers (0x1f form) the first octet, with `tagNumber` set */
  readonly tag: number;
  readonly tagNumber: number;
  readonly constructed: boolean;
  /** offset of the identifier octet */
  readonly start: number;
  /** offset of the first content octet */
  readonly valueStart: number;
  /** offset just past the last content octet */
  readonly end: number;
}

const UNIVERSAL_STRING_TAGS = new Set([
  TAG_BIT_STRING,
  TAG_OCTET_STRING,
  TAG_UTF8_STRING,
  0x12, // NumericString
  0x13, // PrintableString
  0x14, // TeletexString
  0x15, // VideotexString
  0x16, // IA5String
  0x17, // UTCTime
  0x18, // GeneralizedTime
  0x19, // GraphicString
  0x1a, // VisibleString
  0x1b, // GeneralString
  0x1c, // UniversalString
  0x1e, // BMPString
]);

/** UNIVERSAL_STRING_TAGS as bits by tag number (all below 31): one AND in the hot path instead of a Set lookup */
const UNIVERSAL_STRING_BITS = [...UNIVERSAL_STRING_TAGS].reduce((bits, tag) => bits | (1 << tag), 0);

// What readHeader read last. The reader is synchronous and never re-entered, so one set serves every call
// and the hot walk (checkTree) allocates nothing per element.
let headerTag = 0;
let headerTagNumber = 0;
let headerEnd = 0;

/**
 * Reads the header of the element at `offset`, which must end at or before `limit`: returns the offset of its
 * first content octet and leaves its identifier octet, tag number and end in headerTag, headerTagNumber and
 * headerEnd. Throws what readTlv throws.
 */
function readHeader(bytes: Uint8Array, offset: number, limit: number): number {
  let at = offset;
  if (at >= limit) throw new DerError(`expected an element at ${offset}, found the end`);
  const tag = bytes[at++];
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i += 1) {
      if (at >= limit) throw new DerError(`truncated tag at ${offset}`);
      const b = bytes[at++];
      if (i === 0 && b === 0x80) throw new DerError(`non-minimal tag at ${offset}`);
      if (i >= 3) throw new DerError(`tag number too large at ${offset}`);
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tagNumber < 0x1f) throw new DerError(`non-minimal tag at ${offset}`);
  }
  if (at >= limit) throw new DerError(`truncated length at ${offset}`);
  const first = bytes[at++];
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    throw new NotDerError(`indefinite length at ${offset}`);
  } else {
    const count = first & 0x7f;
    if (count > 4) throw new DerError(`length of ${count} octets at ${offset} is out of range`);
    if (at + count > limit) throw new DerError(`truncated length at ${offset}`);
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + bytes[at + i];
    if (bytes[at] === 0 || length < 0x80) throw new NotDerError(`non-minimal length at ${offset}`);
    at += count;
  }
  if (length > limit - at) throw new DerError(`element at ${offset} runs past its end`);
  // a constructed universal string: BIT STRING .. BMPString as listed in UNIVERSAL_STRING_TAGS
  if ((tag & 0xe0) === 0x20 && (UNIVERSAL_STRING_BITS & (1 << (tag & 0x1f))) !== 0) {
    throw new NotDerError(`constructed string at ${offset}`);
  }
  headerTag = tag;
  headerTagNumber = tagNumber;
  headerEnd = at + length;
  return at;
}

/** Reads the header of the element at `offset`, which must end at or before `limit`. */
export function readTlv(bytes: Uint8Array, offset: number, limit: number): Tlv {
  const valueStart = readHeader(bytes, offset, limit);
  return {
    tag: headerTag,
    tagNumber: headerTagNumber,
    constructed: (headerTag & 0x20) !== 0,
    start: offset,
    valueStart,
    end: headerEnd,
  };
}

/** Reads the element at `offset` and checks its identifier octet. */
export function expectTlv(bytes: Uint8Array, offset: number, limit: number, tag: number, what: string): Tlv {
  const tlv = readTlv(bytes, offset, limit);
  if (tlv.tag !== tag) {
    throw new DerError(`${what}: expected tag 0x${hex(tag)}, found 0x${hex(tlv.tag)} at ${offset}`);
  }
  return tlv;
}

/** The direct children of a constructed element, in order. */
export function childrenOf(bytes: Uint8Array, parent: Tlv): Tlv[] {
  if (!parent.constructed) throw new DerError(`element at ${parent.start} is not constructed`);
  const children: Tlv[] = [];
  for (let at = parent.valueStart; at < parent.end;) {
    const child = readTlv(bytes, at, parent.end);
    children.push(child);
    at = child.end;
  }
  return children;
}

/**
 * Says that the constructed element at [start, end), at `depth` below the root of a checkTree walk, is already
 * known to pass the walk (e.g. the same octets passed it before at the same depth): the walk does not enter it.
 */
export type KnownSubtree = (bytes: Uint8Array, start: number, end: number, depth: number) => boolean;

/**
 * Walks every element under `root` down to MAX_DER_DEPTH: each length must fit its parent exactly. Primitive
 * contents are not looked into, so an OCTET STRING of ciphertext costs nothing; neither are constructed
 * elements that `known` vouches for.
 */
export function checkTree(bytes: Uint8Array, root: Tlv, depth = 0, known?: KnownSubtree): void {
  if (!root.constructed) return;
  walk(bytes, root.start, root.valueStart, root.end, depth, known);
}

function walk(
  bytes: Uint8Array,
  start: number,
  valueStart: number,
  end: number,
  depth: number,
  known: KnownSubtree | undefined,
): void {
  if (depth >= MAX_DER_DEPTH) throw new DerError(`nesting deeper than ${MAX_DER_DEPTH} at ${start}`);
  for (let at = valueStart; at < end;) {
    const childValueStart = readHeader(bytes, at, end);
    const childEnd = headerEnd;
    if ((headerTag & 0x20) !== 0 && !(known !== undefined && known(bytes, at, childEnd, depth + 1))) {
      walk(bytes, at, childValueStart, childEnd, depth + 1, known);
    }
    at = childEnd;
  }
}

/** Reads the one element that must fill `bytes` exactly. */
export function readRoot(bytes: Uint8Array): Tlv {
  const root = readTlv(bytes, 0, bytes.byteLength);
  if (root.end !== bytes.byteLength) throw new DerError('trailing bytes after the value');
  return root;
}

/** Dotted form of an OBJECT IDENTIFIER's contents; DerError for an empty or non-minimal encoding. */
export function decodeOid(bytes: Uint8Array, tlv: Tlv): string {
  if (tlv.tag !== TAG_OID) throw new DerError(`expected an OBJECT IDENTIFIER at ${tlv.start}`);
  if (tlv.end === tlv.valueStart) throw new DerError(`empty OBJECT IDENTIFIER at ${tlv.start}`);
  const known = knownOid(bytes, tlv.valueStart, tlv.end);
  if (known !== undefined) return known;
  const arcs: number[] = [];
  let value = 0;
  let fresh = true;
  for (let at = tlv.valueStart; at < tlv.end; at += 1) {
    const b = bytes[at];
    if (fresh && b === 0x80) throw new DerError(`non-minimal OBJECT IDENTIFIER arc at ${tlv.start}`);
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError(`OBJECT IDENTIFIER arc too large`);
    fresh = (b & 0x80) === 0;
    if (fresh) {
      if (arcs.length === 0) {
        const top = value < 40 ? 0 : value < 80 ? 1 : 2;
        arcs.push(top, value - top * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  if (!fresh) throw new DerError(`truncated OBJECT IDENTIFIER at ${tlv.start}`);
  return arcs.join('.');
}

/** contents octets of an OBJECT IDENTIFIER in dotted form (arcs past the first two in base 128, minimal) */
export function encodeOid(dotted: string): Uint8Array {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const septets = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) septets.unshift((v & 0x7f) | 0x80);
    out.push(...septets);
  }
  return Uint8Array.from(out);
}

/**
 * The OIDs of the envelope format (oids.ts) with their DER contents: most OIDs in an envelope are among them,
 * and matching the octets gives the dotted form without decoding. The encodings are canonical (minimal arcs),
 * so a match is also an OID the full decode accepts, with the same result.
 */
const KNOWN_OIDS: readonly { readonly der: Uint8Array; readonly dotted: string }[] = Object.values(oid)
  .filter((value) => /^[0-2]\.[0-9]+(\.[0-9]+)*$/.test(value))
  .map((dotted) => ({ der: encodeOid(dotted), dotted }));

function knownOid(bytes: Uint8Array, start: number, end: number): string | undefined {
  const length = end - start;
  outer: for (const { der, dotted } of KNOWN_OIDS) {
    if (der.length !== length || der[length - 1] !== bytes[end - 1]) continue;
    for (let i = 0; i < length - 1; i += 1) if (der[i] !== bytes[start + i]) continue outer;
    return dotted;
  }
  return undefined;
}

function hex(tag: number): string {
  return tag.toString(16).padStart(2, '0');
}
