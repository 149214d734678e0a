import { backoffDelay } from './backoff';

describe(backoffDelay.name, () => {
  const policy = { initialMs: 1_000, maxMs: 60_000 };

  it('doubles per attempt, within [ceiling/2, ceiling]', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(3, policy, () => 0)).toBe(2_000);
    expect(backoffDelay(3, policy, () => 1)).toBe(4_000);
  });

  it('is capped, however many attempts', () => {
    expect(backoffDelay(40, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(1_000, policy, () => 0.5)).toBe(45_000);
  });
});
