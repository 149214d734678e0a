// Awaits an asynchronous outcome without sleeping in tests: retries the assertion until it stops throwing.

export interface ExpectEventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Retries `assertion` every `intervalMs` until it passes; after `timeoutMs` rethrows its last error. */
export async function expectEventually<T>(
  assertion: () => Promise<T> | T,
  { timeoutMs = 10_000, intervalMs = 50 }: ExpectEventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() + intervalMs > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
