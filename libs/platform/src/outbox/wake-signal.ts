// Wakes a polling loop early. A wake that arrives while the loop is busy is remembered, so the next wait
// returns at once: a LISTEN notification for a row committed during a pass that found nothing is not lost.
export class WakeSignal {
  private pending = false;
  private waiter?: () => void;

  wake(): void {
    if (this.waiter) this.waiter();
    else this.pending = true;
  }

  /** resolves after `timeoutMs`, or at once / as soon as `wake()` is called */
  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
  }
}
