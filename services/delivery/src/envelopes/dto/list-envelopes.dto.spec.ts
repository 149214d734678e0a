import { encodeCursor } from '../envelope-cursor.util';
import { DeliveryError, DeliveryErrorCode } from '../envelopes.errors';
import { parseEnvelopeId, parseListInboxDto, parseListSentDto } from './list-envelopes.dto';

const ID = '3f1c2b7e-8d4a-4c5e-9f60-1a2b3c4d5e6f';

function refusal(work: () => unknown): DeliveryError {
  try {
    work();
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('list query parsing', () => {
  it('defaults to every status and 100 items', () => {
    expect(parseListInboxDto({})).toEqual({ status: 'all', limit: 100, after: undefined });
  });

  it('reads status, limit and an inbox cursor', () => {
    const at = new Date('2026-11-24T06:00:00.000Z');
    const after = encodeCursor({ list: 'inbox', at, envelopeId: ID });

    expect(parseListInboxDto({ status: 'available', limit: '500', after })).toEqual({
      status: 'available',
      limit: 500,
      after: { list: 'inbox', at, envelopeId: ID },
    });
  });

  it('lists every bad parameter at once with REQUEST_INVALID', () => {
    const error = refusal(() => parseListInboxDto({ status: 'read', limit: '0', after: '!!' }));

    expect(error.code).toBe(DeliveryErrorCode.REQUEST_INVALID);
    expect((error.details as { field: string }[]).map((problem) => problem.field)).toEqual([
      'status',
      'limit',
      'after',
    ]);
  });

  it.each([['501'], ['-1'], ['1.5'], ['ten'], [''], [['10', '20']]])('refuses limit %p', (limit) => {
    expect(refusal(() => parseListSentDto({ limit })).code).toBe(DeliveryErrorCode.REQUEST_INVALID);
  });

  it('accepts limit 1 and refuses a repeated status', () => {
    expect(parseListSentDto({ limit: '1' }).limit).toBe(1);
    expect(refusal(() => parseListInboxDto({ status: ['all', 'all'] })).code).toBe(
      DeliveryErrorCode.REQUEST_INVALID,
    );
  });

  it('reads since as an inbox number, up to 2^53-1, with the default or a given limit', () => {
    expect(parseListInboxDto({ since: '0' })).toEqual({ status: 'all', limit: 100, since: 0 });
    expect(parseListInboxDto({ since: '9007199254740991', limit: '7', status: 'all' })).toEqual({
      status: 'all',
      limit: 7,
      since: Number.MAX_SAFE_INTEGER,
    });
  });

  it.each([['-1'], ['1.5'], ['x'], [''], ['01'], ['9007199254740992'], ['99999999999999999'], [['1', '2']]])(
    'refuses since %p on the since field',
    (since) => {
      const error = refusal(() => parseListInboxDto({ since }));

      expect(error.code).toBe(DeliveryErrorCode.REQUEST_INVALID);
      expect(error.details).toEqual([{ field: 'since', problem: expect.stringContaining('2^53-1') }]);
    },
  );

  it('refuses since with an after cursor or a status other than all', () => {
    const after = encodeCursor({ list: 'inbox', at: new Date(0), envelopeId: ID });

    expect(refusal(() => parseListInboxDto({ since: '3', after })).details).toEqual([
      { field: 'since', problem: 'cannot be combined with after' },
    ]);
    expect(refusal(() => parseListInboxDto({ since: '3', status: 'available' })).details).toEqual([
      { field: 'since', problem: 'cannot be combined with a status other than all' },
    ]);
  });

  it('refuses an inbox cursor on the sent list', () => {
    const after = encodeCursor({ list: 'inbox', at: new Date(0), envelopeId: ID });

    expect(refusal(() => parseListSentDto({ after })).code).toBe(DeliveryErrorCode.REQUEST_INVALID);
  });

  it('lower-cases an envelope id and refuses what is not a UUID', () => {
    expect(parseEnvelopeId(ID.toUpperCase())).toBe(ID);
    expect(refusal(() => parseEnvelopeId('not-a-uuid')).code).toBe(DeliveryErrorCode.ENVELOPE_ID_INVALID);
  });
});
