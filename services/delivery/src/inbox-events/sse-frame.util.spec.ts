import { sseComment, sseEvent, sseRetry } from './sse-frame.util';

describe('SSE frames', () => {
  it('writes event, id and data lines ended by an empty line', () => {
    expect(sseEvent({ event: 'arrival', id: '7', data: '{"a":1}' })).toBe(
      'event: arrival\nid: 7\ndata: {"a":1}\n\n',
    );
  });

  it('writes only data for an unnamed event without id', () => {
    expect(sseEvent({ data: 'x' })).toBe('data: x\n\n');
  });

  it('splits data on every kind of line break', () => {
    expect(sseEvent({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  it('refuses a line break in the event name or the id, and NUL in the id', () => {
    expect(() => sseEvent({ event: 'a\nb', data: '' })).toThrow(/line break/);
    expect(() => sseEvent({ id: '1\r', data: '' })).toThrow(/line break/);
    expect(() => sseEvent({ id: '1\0', data: '' })).toThrow(/NUL/);
  });

  it('writes comments and retry hints', () => {
    expect(sseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(sseRetry(5000)).toBe('retry: 5000\n\n');
    expect(() => sseRetry(-1)).toThrow();
    expect(() => sseComment('a\nb')).toThrow();
  });
});
