import { decodeCursor, encodeCursor } from './envelope-cursor.util';

const ID = '3f1c2b7e-8d4a-4c5e-9f60-1a2b3c4d5e6f';

describe('envelope cursor', () => {
  it('round-trips the time and envelope id of an inbox cursor', () => {
    const at = new Date('2026-11-24T06:00:00.123Z');

    const cursor = encodeCursor({ list: 'inbox', at, envelopeId: ID });

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'inbox')).toEqual({ list: 'inbox', at, envelopeId: ID });
  });

  it('refuses a cursor of the other list', () => {
    const cursor = encodeCursor({ list: 'sent', at: new Date(0), envelopeId: ID });

    expect(decodeCursor(cursor, 'inbox')).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['JSON but not an object', Buffer.from('42').toString('base64url')],
    [
      'a bad id',
      Buffer.from(JSON.stringify({ l: 'inbox', t: '2026-01-01T00:00:00.000Z', i: 'x' })).toString(
        'base64url',
      ),
    ],
    [
      'an upper-case id',
      Buffer.from(
        JSON.stringify({ l: 'inbox', t: '2026-01-01T00:00:00.000Z', i: ID.toUpperCase() }),
      ).toString('base64url'),
    ],
    ['a bad time', Buffer.from(JSON.stringify({ l: 'inbox', t: 'yesterday', i: ID })).toString('base64url')],
    [
      'a non-canonical time',
      Buffer.from(JSON.stringify({ l: 'inbox', t: '2026-01-01', i: ID })).toString('base64url'),
    ],
    ['too long', 'A'.repeat(201)],
  ])('refuses %s', (_name, text) => {
    expect(decodeCursor(text, 'inbox')).toBeUndefined();
  });
});
