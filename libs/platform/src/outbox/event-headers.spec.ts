import { PermanentMessageError } from '../messaging/event-bus';
import { EventHeaders, eventIdOf } from './event-headers';
import { headersOf } from './outbox';

describe('eventIdOf', () => {
  it('reads the event id header', () => {
    expect(eventIdOf({ headers: { [EventHeaders.eventId]: 'A3BB189E-8BF9-3888-9912-ACE4E6543002' } })).toBe(
      'a3bb189e-8bf9-3888-9912-ace4e6543002',
    );
  });

  it('rejects a message without an event id as permanent', () => {
    expect(() => eventIdOf({ headers: {} })).toThrow(PermanentMessageError);
    expect(() => eventIdOf({ headers: {} })).toThrow(expect.objectContaining({ reason: 'missing-event-id' }));
  });

  it('rejects an event id that is not a uuid as permanent', () => {
    expect(() => eventIdOf({ headers: { [EventHeaders.eventId]: '42' } })).toThrow(
      expect.objectContaining({ reason: 'invalid-event-id' }),
    );
  });
});

describe('headersOf', () => {
  it('sets the envelope headers of an outbox event', () => {
    const headers = JSON.parse(
      headersOf({
        topic: 't',
        key: 'k',
        value: new Uint8Array(),
        eventId: 'a3bb189e-8bf9-3888-9912-ace4e6543002',
        type: 'renkei.platform.v1.ProbeRecorded',
        producer: 'intake',
        correlationId: 'env-1',
        occurredAt: new Date('2026-01-05T00:00:00Z'),
      }),
    ) as Record<string, string>;

    expect(headers).toEqual({
      'event-id': 'a3bb189e-8bf9-3888-9912-ace4e6543002',
      'event-type': 'renkei.platform.v1.ProbeRecorded',
      producer: 'intake',
      'correlation-id': 'env-1',
      'occurred-at': '2026-01-05T00:00:00.000Z',
    });
  });
});
