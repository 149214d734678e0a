import { runWithCorrelationId } from '../logging/correlation';
import { headersOf, OutboxEventInput } from './outbox';

describe('headersOf', () => {
  const event: OutboxEventInput = {
    topic: 'platform.probe.recorded.v1',
    key: 'p-1',
    value: new Uint8Array([1]),
    eventId: '0b7f6a9e-3c1d-4a51-9a55-6f8f5d1c2b3a',
    type: 'renkei.platform.v1.ProbeRecorded',
    producer: 'intake',
    occurredAt: new Date('2026-11-24T00:00:00.000Z'),
  };

  it('gives an event the correlation id of the request being handled when it was written', () => {
    const headers = runWithCorrelationId('req-7', () => JSON.parse(headersOf(event)));

    expect(headers).toEqual({
      'event-id': event.eventId,
      'event-type': event.type,
      producer: 'intake',
      'occurred-at': '2026-11-24T00:00:00.000Z',
      'correlation-id': 'req-7',
    });
  });

  it('keeps an explicit correlation id over the ambient one', () => {
    const headers = runWithCorrelationId('req-7', () =>
      JSON.parse(headersOf({ ...event, correlationId: 'env-1' })),
    );

    expect(headers['correlation-id']).toBe('env-1');
  });

  it('writes no correlation id when there is none', () => {
    expect(JSON.parse(headersOf(event))).not.toHaveProperty('correlation-id');
  });
});
