// One pooled connection that LISTENs on a channel for a polling loop (the outbox relay, the trust read model).
// A failed LISTEN or a dropped connection is logged and leaves the caller polling; the loop calls listen()
// again while `listening` is false. The connection goes back to the pool exactly once.
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PlatformLogger } from '../messaging/platform-logger';

export interface PgNotificationListenerOptions {
  readonly dataSource: DataSource;
  /** the channel name (quoted in LISTEN as given) */
  readonly channel: string;
  /** what the log lines call the listener: `<label> LISTEN failed; polling only.` */
  readonly label: string;
  /** the schema, a field of every log line */
  readonly schema: string;
  readonly logger: PlatformLogger;
  /** a notification arrived on the channel, with its payload ('' when NOTIFY gave none) */
  readonly onNotification: (payload: string) => void;
  /** the connection listens (again): e.g. catch up on what was committed while nothing listened */
  readonly onListening?: () => void;
}

export class PgNotificationListener {
  private client?: PoolClient;
  private readonly released = new WeakSet<PoolClient>();

  constructor(private readonly options: PgNotificationListenerOptions) {}

  /** whether a connection listens now (false before listen(), after a failure, a drop or unlisten()) */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** takes a connection and LISTENs; never throws (a failure is logged and leaves `listening` false) */
  async listen(): Promise<void> {
    const { dataSource, channel, label, schema, logger } = this.options;
    try {
      const pool = (dataSource.driver as unknown as { master: Pool }).master;
      const client = await pool.connect();
      client.on('notification', (message) => this.options.onNotification(message.payload ?? ''));
      client.on('error', (error: Error) => {
        logger.warn(
          { schema, err: String(error) },
          `${label} LISTEN connection lost; polling until it is back.`,
        );
        if (this.client === client) this.client = undefined;
        this.releaseOnce(client, error);
      });
      try {
        await client.query(`LISTEN "${channel}"`);
      } catch (error) {
        this.releaseOnce(client, error as Error);
        throw error;
      }
      this.client = client;
      this.options.onListening?.();
    } catch (error) {
      logger.warn({ schema, err: String(error) }, `${label} LISTEN failed; polling only.`);
    }
  }

  /** UNLISTENs and gives the connection back to the pool */
  async unlisten(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query(`UNLISTEN "${this.options.channel}"`);
      this.releaseOnce(client);
    } catch (error) {
      this.releaseOnce(client, error as Error);
    }
  }

  // a dying connection can both emit 'error' and fail the UNLISTEN; pg-pool throws on a second release
  private releaseOnce(client: PoolClient, error?: Error): void {
    if (this.released.has(client)) return;
    this.released.add(client);
    client.release(error);
  }
}
