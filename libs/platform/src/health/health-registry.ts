// Readiness is the sum of named checks (each service's database, the event bus, the object store) that
// modules register at boot. Each check runs with a timeout; one slow dependency cannot hang the probe.

export type HealthCheck = () => Promise<void>;

export interface CheckResult {
  readonly status: 'up' | 'down';
  readonly durationMs: number;
  readonly error?: string;
}

export interface ReadinessReport {
  readonly status: 'ready' | 'not-ready';
  readonly checks: Record<string, CheckResult>;
}

export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(private readonly timeoutMs = 3000) {}

  register(name: string, check: HealthCheck): void {
    if (this.checks.has(name)) throw new Error(`health check ${name} is registered twice`);
    this.checks.set(name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  async readiness(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks.entries()].map(async ([name, check]) => [name, await this.run(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.length > 0 && entries.every(([, result]) => result.status === 'up');
    return { status: ready ? 'ready' : 'not-ready', checks };
  }

  private async run(check: HealthCheck): Promise<CheckResult> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return { status: 'up', durationMs: Date.now() - started };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { status: 'down', durationMs: Date.now() - started, error: message.slice(0, 300) };
    } finally {
      clearTimeout(timer);
    }
  }
}
