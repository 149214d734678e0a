// decodeManifest reads canonical bytes in one strict pass and hands everything else to JSON.parse, validation
// and the canonical comparison: both must give the same manifest or the same error code as the generic check.
import { EnvelopeError } from './envelope.errors';
import { canonicalJson, decodeManifest, EnvelopeKind, Manifest, validateManifest } from './manifest';

const aManifest = (): Manifest => ({
  version: 1,
  envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
  sender: { officeNumber: '0300000100', serviceType: '43' },
  recipient: { officeNumber: '0300000005', serviceType: '11' },
  kind: EnvelopeKind.Plan,
  targetMonth: '202611',
  fileSequence: '20261124053000',
  createdAt: '2026-11-24T05:30:00.000Z',
  files: [
    { name: 'A.CSV', mediaType: 'text/csv', size: 3, sha256: 'a'.repeat(64) },
    { name: 'B.CSV', mediaType: 'text/csv', size: 0, sha256: 'b'.repeat(64) },
  ],
});

/** the generic check: decode (a BOM kept, so it is refused), parse, validate, re-encode, compare */
function reference(bytes: Uint8Array): Manifest {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  const parsed: unknown = JSON.parse(text);
  validateManifest(parsed);
  if (canonicalJson(parsed) !== text) throw new Error('not canonical');
  return parsed;
}

function outcome(decode: (bytes: Uint8Array) => Manifest, bytes: Uint8Array): unknown {
  try {
    return { manifest: decode(bytes) };
  } catch (error) {
    // the reference's own errors (SyntaxError, 'not canonical') all map to MANIFEST_INVALID
    return { code: error instanceof EnvelopeError ? error.code : 'MANIFEST_INVALID' };
  }
}

const canonical = canonicalJson(aManifest());
const variants: [string, string][] = [
  ['canonical', canonical],
  ['pretty', JSON.stringify(aManifest(), null, 1)],
  ['insertion order', JSON.stringify(aManifest())],
  ['a leading space', ` ${canonical}`],
  ['a trailing newline', `${canonical}\n`],
  ['an escaped character', canonical.replace('"0300000100"', '"\\u0030300000100"')],
  ['an escaped quote in a name', canonical.replace('"A.CSV"', '"A\\".CSV"')],
  ['a raw control character', canonical.replace('"A.CSV"', '"A\t.CSV"')],
  ['size -0', canonical.replace('"size":0', '"size":-0')],
  ['size 00', canonical.replace('"size":0', '"size":00')],
  ['size 3.0', canonical.replace('"size":3', '"size":3.0')],
  ['size 3e0', canonical.replace('"size":3', '"size":3e0')],
  ['size past the safe range', canonical.replace('"size":3', '"size":9007199254740993')],
  ['a string size', canonical.replace('"size":3', '"size":"3"')],
  ['version 1.0', canonical.replace('"version":1', '"version":1.0')],
  ['version 2', canonical.replace('"version":1', '"version":2')],
  ['version 01', canonical.replace('"version":1', '"version":01')],
  ['no files', canonical.replace(/"files":\[.*?\]\]?(?=,"kind")/, '"files":[]')],
  ['a duplicate key', canonical.replace('{"createdAt":', '{"createdAt":"x","createdAt":')],
  ['an extra key', canonical.replace(',"version":1}', ',"version":1,"zz":1}')],
  ['a missing key', canonical.replace('"kind":"plan",', '')],
  ['a lower-case office number', canonical.replace('0300000100', '03000001ab')],
  ['an unknown kind', canonical.replace('"kind":"plan"', '"kind":"invoice"')],
  ['two names equal up to case', canonical.replace('"B.CSV"', '"a.csv"')],
  ['a trailing comma in files', canonical.replace(/\}\],"kind"/, '},],"kind"')],
  ['a null party', canonical.replace(/"sender":\{[^}]*\}/, '"sender":null')],
  ['a file that is an array', canonical.replace(/\{"mediaType"[^}]*\}\]/, '[]]')],
  ['an upper-case sha256', canonical.replace('a'.repeat(64), 'A'.repeat(64))],
  ['a short sha256', canonical.replace('a'.repeat(64), 'a'.repeat(63))],
  ['a non-hex sha256', canonical.replace('a'.repeat(64), `${'a'.repeat(63)}g`)],
  ['truncated', canonical.slice(0, -1)],
  ['trailing garbage', `${canonical}x`],
  ['a byte-order mark', `\ufeff${canonical}`],
  ['a non-ASCII file name', canonical.replace('"A.CSV"', '"予定.CSV"')],
  ['an over-long name', canonical.replace('"A.CSV"', `"${'A'.repeat(129)}"`)],
  ['a too large file', canonical.replace('"size":3', `"size":${64 * 1024 * 1024 + 1}`)],
  ['empty', ''],
];

/** field values the single pass checks without regular expressions: valid, invalid and at the limits */
const fieldVariants: [string, string][] = [
  ['createdAt at 24:00', canonical.replace('T05:30:00.000Z', 'T24:00:00.000Z')],
  ['createdAt on 31 February', canonical.replace('2026-11-24T', '2026-02-31T')],
  ['createdAt in month 13', canonical.replace('2026-11-24T', '2026-13-24T')],
  ['createdAt on day 00', canonical.replace('2026-11-24T', '2026-11-00T')],
  ['createdAt at minute 60', canonical.replace('T05:30:00.000Z', 'T05:60:00.000Z')],
  ['createdAt at second 60', canonical.replace('T05:30:00.000Z', 'T05:30:60.000Z')],
  ['createdAt without a fraction', canonical.replace('T05:30:00.000Z', 'T05:30:00Z')],
  ['createdAt with one fraction digit', canonical.replace('T05:30:00.000Z', 'T05:30:00.5Z')],
  ['createdAt with four fraction digits', canonical.replace('T05:30:00.000Z', 'T05:30:00.0000Z')],
  ['createdAt with an empty fraction', canonical.replace('T05:30:00.000Z', 'T05:30:00.Z')],
  ['createdAt with a lower-case z', canonical.replace('T05:30:00.000Z', 'T05:30:00.000z')],
  ['createdAt with a space', canonical.replace('2026-11-24T', '2026-11-24 ')],
  ['an upper-case envelope id', canonical.replace('0b6d3f5e-8a2c', '0B6D3F5E-8A2C')],
  ['envelope id version 9', canonical.replace('-4c7e-', '-9c7e-')],
  ['envelope id version 0', canonical.replace('-4c7e-', '-0c7e-')],
  ['envelope id variant c', canonical.replace('-9f1a-', '-cf1a-')],
  ['envelope id variant 8', canonical.replace('-9f1a-', '-8f1a-')],
  ['envelope id without dashes', canonical.replace('0b6d3f5e-8a2c-4c7e-9f1a-', '0b6d3f5ea8a2cb4c7ec9f1ad')],
  ['file sequence on day 32', canonical.replace('"20261124053000"', '"20261132053000"')],
  ['file sequence at hour 24', canonical.replace('"20261124053000"', '"20261124243000"')],
  ['file sequence at 23:59:59', canonical.replace('"20261124053000"', '"20261124235959"')],
  ['file sequence in month 00', canonical.replace('"20261124053000"', '"20260024053000"')],
  ['target month 12', canonical.replace('"targetMonth":"202611"', '"targetMonth":"202612"')],
  ['target month 00', canonical.replace('"targetMonth":"202611"', '"targetMonth":"202600"')],
  ['a five-digit target month', canonical.replace('"targetMonth":"202611"', '"targetMonth":"20261"')],
  ['a media type with a suffix', canonical.replace('"text/csv"', '"application/vnd.x+json"')],
  ['a media type without a slash', canonical.replace('"text/csv"', '"textcsv"')],
  ['a media type with two slashes', canonical.replace('"text/csv"', '"text/csv/x"')],
  ['a media type ending in a slash', canonical.replace('"text/csv"', '"text/"')],
  ['a media type starting with a slash', canonical.replace('"text/csv"', '"/csv"')],
  ['an upper-case media type', canonical.replace('"text/csv"', '"Text/csv"')],
  ['a media type subtype starting with a dot', canonical.replace('"text/csv"', '"text/.csv"')],
  ['an over-long media type', canonical.replace('"text/csv"', `"text/${'c'.repeat(123)}"`)],
  ['a media type at the length limit', canonical.replace('"text/csv"', `"text/${'c'.repeat(122)}"`)],
  ['a name at the length limit', canonical.replace('"A.CSV"', `"${'A'.repeat(128)}"`)],
  ['a name starting with a dash', canonical.replace('"A.CSV"', '"-A.CSV"')],
  ['a name starting with an underscore', canonical.replace('"A.CSV"', '"_A.CSV"')],
  ['an empty name', canonical.replace('"A.CSV"', '""')],
  ['names that differ in a digit', canonical.replace('"B.CSV"', '"A.CSV1"')],
  ['names equal up to case in a non-letter', canonical.replace('"B.CSV"', '"A\u000eCSV"')],
  [
    'names like "[" and "{" (equal in the low five bits)',
    canonical.replace('"A.CSV"', '"A_"').replace('"B.CSV"', '"a-"'),
  ],
  ['size at the file limit', canonical.replace('"size":3', `"size":${64 * 1024 * 1024}`)],
  ['a 17-digit size', canonical.replace('"size":3', '"size":10000000000000000')],
  ['an office number of nine characters', canonical.replace('0300000100', '030000010')],
  ['a lower-case service type', canonical.replace('"serviceType":"43"', '"serviceType":"4a"')],
  ['every kind', canonical.replace('"kind":"plan"', '"kind":"careplan"')],
  ['a kind with a prefix', canonical.replace('"kind":"plan"', '"kind":"xplan"')],
  ['an empty kind', canonical.replace('"kind":"plan"', '"kind":""')],
];

/** a canonical manifest with `count` files named by `name` */
function withFiles(count: number, name: (i: number) => string, size = 1): string {
  return canonicalJson({
    ...aManifest(),
    files: Array.from({ length: count }, (_, i) => ({
      name: name(i),
      mediaType: 'text/csv',
      size,
      sha256: 'c'.repeat(64),
    })),
  });
}

fieldVariants.push(
  ['200 files', withFiles(200, (i) => `F${i}.CSV`)],
  ['201 files', withFiles(201, (i) => `F${i}.CSV`)],
  ['12 files with two names equal up to case', withFiles(12, (i) => (i === 11 ? 'f3.csv' : `F${i}.CSV`))],
  ['12 distinct files', withFiles(12, (i) => `F${i}.CSV`)],
  ['files over the total size limit', withFiles(5, (i) => `F${i}.CSV`, 60 * 1024 * 1024)],
  ['files at the total size limit', withFiles(4, (i) => `F${i}.CSV`, 64 * 1024 * 1024)],
);

describe('decodeManifest, the single-pass canonical reader', () => {
  it.each(variants)('agrees with the generic check on %s', (_what, text) => {
    const bytes = new TextEncoder().encode(text);
    expect(outcome(decodeManifest, bytes)).toEqual(outcome(reference, bytes));
  });

  it.each(fieldVariants)('agrees with the generic check on %s', (_what, text) => {
    const bytes = new TextEncoder().encode(text);
    expect(outcome(decodeManifest, bytes)).toEqual(outcome(reference, bytes));
  });

  it('accepts canonical bytes and refuses every variant that is not (a byte-order mark included)', () => {
    expect(decodeManifest(new TextEncoder().encode(canonical))).toEqual(aManifest());
    for (const [what, text] of variants.slice(1)) {
      expect({
        what,
        accepted:
          text !== canonical &&
          'manifest' in (outcome(decodeManifest, new TextEncoder().encode(text)) as object),
      }).toEqual({ what, accepted: false });
    }
  });

  it('agrees with the generic check on every single-character change of a canonical manifest', () => {
    const replacements = [
      '0',
      '9',
      'a',
      'f',
      'g',
      'A',
      'Z',
      '.',
      '-',
      '_',
      '+',
      '/',
      ':',
      'T',
      'Z',
      '"',
      ' ',
      '1',
    ];
    const disagreements: string[] = [];
    for (let at = 0; at < canonical.length; at += 1) {
      for (const c of replacements) {
        const text = canonical.slice(0, at) + c + canonical.slice(at + 1);
        const bytes = new TextEncoder().encode(text);
        const [fast, generic] = [outcome(decodeManifest, bytes), outcome(reference, bytes)];
        if (JSON.stringify(fast) !== JSON.stringify(generic)) disagreements.push(text);
      }
    }

    expect(disagreements).toEqual([]);
  });

  it('reads a canonical manifest without JSON.parse', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(decodeManifest(new TextEncoder().encode(canonical))).toEqual(aManifest());
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('agrees on invalid UTF-8', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode(canonical.slice(0, 20)), 0xff, 0xfe]);
    expect(outcome(decodeManifest, bytes)).toEqual(outcome(reference, bytes));
  });
});
