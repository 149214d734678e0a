import { EnvelopeErrorCode } from './envelope.errors';
import {
  canonicalJson,
  decodeManifest,
  encodeManifest,
  ENVELOPE_LIMITS,
  EnvelopeKind,
  Manifest,
} from './manifest';

function aManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    version: 1,
    envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70',
    sender: { officeNumber: '0300000100', serviceType: '43' },
    recipient: { officeNumber: '0300000005', serviceType: '11' },
    kind: EnvelopeKind.Plan,
    targetMonth: '202611',
    fileSequence: '20261124053000',
    createdAt: '2026-11-24T05:30:00.000Z',
    files: [
      {
        name: 'UPPLAN_202611_0300000100_43_0300000005_11_20261124053000.CSV',
        mediaType: 'text/csv',
        size: 3,
        sha256: 'a'.repeat(64),
      },
    ],
    ...overrides,
  };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('manifest', () => {
  it('encodes as canonical JSON with sorted keys and no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 'x', e: null }], c: true } })).toBe(
      '{"a":{"c":true,"d":[2,{"e":null,"f":"x"}]},"b":1}',
    );
    const text = new TextDecoder().decode(encodeManifest(aManifest()));
    expect(text.startsWith('{"createdAt":"2026-11-24T05:30:00.000Z","envelopeId":')).toBe(true);
    expect(text).not.toMatch(/\s/);
  });

  it('decodes what it encodes', () => {
    expect(decodeManifest(encodeManifest(aManifest()))).toEqual(aManifest());
  });

  it('rejects JSON that is valid but not canonical', () => {
    const pretty = new TextEncoder().encode(JSON.stringify(aManifest(), null, 1));
    expect(codeOf(() => decodeManifest(pretty))).toBe(EnvelopeErrorCode.MANIFEST_INVALID);
  });

  it.each([
    ['an unknown field', { extra: 1 }],
    ['a lower-case office number', { sender: { officeNumber: '03000001ab', serviceType: '43' } }],
    ['a three-character service type', { recipient: { officeNumber: '0300000005', serviceType: '111' } }],
    ['an unknown kind', { kind: 'invoice' }],
    ['month 13', { targetMonth: '202613' }],
    ['a 12-digit file sequence', { fileSequence: '202611240530' }],
    ['a createdAt with an offset', { createdAt: '2026-11-24T14:30:00+09:00' }],
    ['a non-UUID envelope id', { envelopeId: 'not-a-uuid' }],
    ['no files', { files: [] }],
    ['version 2', { version: 2 }],
  ])('rejects a manifest with %s', (_what, overrides) => {
    const manifest = { ...aManifest(), ...overrides } as Manifest;
    expect(codeOf(() => encodeManifest(manifest))).toBe(EnvelopeErrorCode.MANIFEST_INVALID);
  });

  it.each([
    ['a path separator', 'dir/A.CSV'],
    ['a leading dot', '.hidden'],
    ['a non-ASCII character', '予定.CSV'],
    ['a space', 'A B.CSV'],
  ])('rejects a file name with %s', (_what, name) => {
    const manifest = aManifest({ files: [{ ...aManifest().files[0], name }] });
    expect(codeOf(() => encodeManifest(manifest))).toBe(EnvelopeErrorCode.MANIFEST_INVALID);
  });

  it('rejects two file names that differ only in case', () => {
    const file = aManifest().files[0];
    const manifest = aManifest({ files: [file, { ...file, name: file.name.toLowerCase() }] });
    expect(codeOf(() => encodeManifest(manifest))).toBe(EnvelopeErrorCode.MANIFEST_INVALID);
  });

  it('gives LIMIT_EXCEEDED for too many files, a too long name or a too large file', () => {
    const file = aManifest().files[0];
    const many = Array.from({ length: ENVELOPE_LIMITS.maxFiles + 1 }, (_, i) => ({
      ...file,
      name: `F${i}.CSV`,
    }));
    expect(codeOf(() => encodeManifest(aManifest({ files: many })))).toBe(EnvelopeErrorCode.LIMIT_EXCEEDED);
    const longName = { ...file, name: 'A'.repeat(ENVELOPE_LIMITS.maxFileNameLength + 1) };
    expect(codeOf(() => encodeManifest(aManifest({ files: [longName] })))).toBe(
      EnvelopeErrorCode.LIMIT_EXCEEDED,
    );
    const large = { ...file, size: ENVELOPE_LIMITS.maxFileSize + 1 };
    expect(codeOf(() => encodeManifest(aManifest({ files: [large] })))).toBe(
      EnvelopeErrorCode.LIMIT_EXCEEDED,
    );
  });

  it('rejects bytes that are not UTF-8 JSON', () => {
    expect(codeOf(() => decodeManifest(new Uint8Array([0xff, 0xfe])))).toBe(
      EnvelopeErrorCode.MANIFEST_INVALID,
    );
  });
});
