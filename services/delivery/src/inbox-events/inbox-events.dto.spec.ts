import { DeliveryError } from '../envelopes/envelopes.errors';
import { parseEventsAfter } from './inbox-events.dto';

describe('parseEventsAfter', () => {
  it('is undefined without a header or ?after', () => {
    expect(parseEventsAfter({}, undefined)).toBeUndefined();
    expect(parseEventsAfter({}, '')).toBeUndefined();
  });

  it('reads ?after, and prefers Last-Event-ID', () => {
    expect(parseEventsAfter({ after: '0' }, undefined)).toBe(0);
    expect(parseEventsAfter({ after: '12' }, undefined)).toBe(12);
    expect(parseEventsAfter({ after: '12' }, ' 40 ')).toBe(40);
  });

  it.each([
    [{ after: '-1' }, undefined, 'after'],
    [{ after: '01' }, undefined, 'after'],
    [{ after: ['1', '2'] }, undefined, 'after'],
    [{ after: '1e3' }, undefined, 'after'],
    [{}, 'abc', 'Last-Event-ID'],
    [{ after: '3' }, '9999999999999999', 'Last-Event-ID'],
  ])('refuses %j with Last-Event-ID %j', (query, header, field) => {
    let thrown: unknown;
    try {
      parseEventsAfter(query, header);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DeliveryError);
    expect(thrown).toMatchObject({ code: 'REQUEST_INVALID', details: [{ field }] });
  });
});
