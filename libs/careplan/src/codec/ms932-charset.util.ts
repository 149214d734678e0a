import * as iconv from 'iconv-lite';

export const MS932 = 'cp932';

/**
 * Unicode characters that look like MS932 ones but map elsewhere (JIS X 0208 vs. Microsoft mappings, Latin-1
 * signs). iconv-lite turns most of them into '?' and ¥/‾ into '\'/'~', so they are rewritten before encoding.
 */
export const MS932_NORMALISATION: Readonly<Record<string, string>> = {
  '\u301C': '\uFF5E', // 〜 wave dash -> ～ full-width tilde
  '\u2212': '\uFF0D', // − minus sign -> － full-width hyphen-minus
  '\u2016': '\u2225', // ‖ double vertical line -> ∥ parallel to
  '\u00AC': '\uFFE2', // ¬ not sign -> ￢ full-width not sign
  '\u2014': '\u2015', // — em dash -> ― horizontal bar
  '\u00A2': '\uFFE0', // ¢ -> ￠
  '\u00A3': '\uFFE1', // £ -> ￡
  '\u00A6': '\uFFE4', // ¦ -> ￤
  '\u00A5': '\uFFE5', // ¥ would be written as 0x5C and read back as a backslash
  '\u203E': '\uFFE3', // ‾ would be written as 0x7E and read back as a tilde
};

const TRAPS = new RegExp(`[${Object.keys(MS932_NORMALISATION).join('')}]`, 'gu');

/** rewrites the known mapping traps to the character MS932 actually has */
export const normaliseForMs932 = (text: string): string =>
  text.replace(TRAPS, (c) => MS932_NORMALISATION[c] ?? c);

export enum CharProblem {
  Gaiji = 'gaiji',
  Control = 'control',
  Unmappable = 'unmappable',
  InvalidBytes = 'invalid-bytes',
}

// BMP results in a flat table (0 unknown, 1 yes, 2 no): a Map lookup per character was a hot spot when decoding
const encodableBmp = new Uint8Array(0x10000);
const encodableAstral = new Map<number, boolean>();
// iconv-lite substitutes silently, so a character is encodable only if it survives the round trip
const roundTrips = (char: string): boolean => iconv.decode(iconv.encode(char, MS932), MS932) === char;
const isEncodable = (char: string, codePoint: number): boolean => {
  if (codePoint < 0x10000) {
    if (encodableBmp[codePoint] === 0) encodableBmp[codePoint] = roundTrips(char) ? 1 : 2;
    return encodableBmp[codePoint] === 1;
  }
  let known = encodableAstral.get(codePoint);
  if (known === undefined) {
    known = roundTrips(char);
    encodableAstral.set(codePoint, known);
  }
  return known;
};

/** a UTF-16 unit already known to be a plain MS932 character (no 外字, no control): lets scanners skip charProblem */
export const isKnownGoodUnit = (unit: number): boolean =>
  unit >= 0xa0 && (unit < 0xe000 || unit > 0xf8ff) && encodableBmp[unit] === 1;

const isControl = (cp: number): boolean =>
  (cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) || (cp >= 0x7f && cp <= 0x9f);

// 外字: MS932 maps its user-defined rows F040–F9FC to the private use area
const isPrivateUse = (cp: number): boolean => cp >= 0xe000 && cp <= 0xf8ff;

/** what is wrong with one character of decoded or to-be-encoded text, or null */
export const charProblem = (char: string): CharProblem | null => {
  const cp = char.codePointAt(0) ?? 0;
  if (cp === 0xfffd) return CharProblem.InvalidBytes;
  if (isPrivateUse(cp)) return CharProblem.Gaiji;
  if (isControl(cp)) return CharProblem.Control;
  if (cp < 0x80) return null;
  return isEncodable(char, cp) ? null : CharProblem.Unmappable;
};
