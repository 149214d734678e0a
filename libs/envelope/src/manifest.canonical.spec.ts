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

describe('decodeManifest, the single-pass canonical reader', () => {
  it.each(variants)('agrees with the generic check on %s', (_what, text) => {
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

  it('agrees on invalid UTF-8', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode(canonical.slice(0, 20)), 0xff, 0xfe]);
    expect(outcome(decodeManifest, bytes)).toEqual(outcome(reference, bytes));
  });
});
