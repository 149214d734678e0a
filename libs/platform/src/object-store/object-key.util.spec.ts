import { assertValidObjectKey, assertValidObjectPrefix } from './object-key.util';
import { ObjectStoreError, ObjectStoreErrorCode } from './object-store';

describe('object keys', () => {
  it.each([['a'], ['a/b/c'], ['tenant-1/2024_05/doc.v2.xml'], ['A.b'], ['x'.repeat(255)]])(
    'accepts %j',
    (key) => {
      expect(() => assertValidObjectKey(key)).not.toThrow();
    },
  );

  it.each([
    [''],
    ['/a'],
    ['a/'],
    ['a//b'],
    ['..'],
    ['../a'],
    ['a/..'],
    ['.'],
    ['.tmp/a'],
    ['a b'],
    ['a\u0000'],
    ['a\u007f'],
    ['é'],
    ['a\\b'],
    ['x'.repeat(256)],
    [`${'a/'.repeat(512)}a`],
  ])('refuses %j with INVALID_KEY', (key) => {
    expect(() => assertValidObjectKey(key)).toThrow(ObjectStoreError);
    expect(() => assertValidObjectKey(key)).toThrow(
      expect.objectContaining({ code: ObjectStoreErrorCode.InvalidKey }),
    );
  });

  it('shows control characters escaped in the message', () => {
    expect(() => assertValidObjectKey('a\nb')).toThrow('"a\\nb"');
  });

  it.each([[''], ['a'], ['a/'], ['a/b'], ['a/b/']])('accepts the list prefix %j', (prefix) => {
    expect(() => assertValidObjectPrefix(prefix)).not.toThrow();
  });

  it.each([['/'], ['../'], ['a//'], ['/a']])('refuses the list prefix %j', (prefix) => {
    expect(() => assertValidObjectPrefix(prefix)).toThrow(
      expect.objectContaining({ code: ObjectStoreErrorCode.InvalidKey }),
    );
  });
});
