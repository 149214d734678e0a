// A background pass run at start and then `intervalMs` after each pass ends (never two at once), until stopped.
// Stopping cancels the next pass and waits for the one in progress, so a Nest job can stop in
// beforeApplicationShutdown, before the DataSource closes. Running one replica at a time is the pass's own
// business (e.g. an advisory lock): every replica runs the job.
export interface PeriodicJobOptions {
  /** one pass; a rejection goes to `onError` and the next pass still runs */
  readonly run: () => Promise<void>;
  /** the pause between the end of one pass and the start of the next */
  readonly intervalMs: number;
  /** a failed pass (e.g. log it: the job retries at the next interval) */
  readonly onError: (error: unknown) => void;
}

export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: PeriodicJobOptions) {}

  /** runs a pass now, then one every interval */
  start(): void {
    this.stopped = false;
    this.tick();
  }

  /** lets the pass in progress finish, then stops */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tick(), this.options.intervalMs);
      this.timer.unref();
    });
  }

  private async pass(): Promise<void> {
    try {
      await this.options.run();
    } catch (error) {
      this.options.onError(error);
    }
  }
}
