// The consumer side of exactly-once effects: the event id is recorded in the same transaction as the effect,
// so a redelivered event finds its id and the effect does not run again.
import type { DataSource, EntityManager } from 'typeorm';
import { quoteSchema } from '../database/service-data-source';

export type InboxResult = 'processed' | 'duplicate';

export class Inbox {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    readonly schema: string,
  ) {
    this.table = `${quoteSchema(schema)}."inbox_event"`;
  }

  /**
   * In ONE transaction: records (groupId, eventId); when it was already there returns 'duplicate' without
   * running `effect`, else runs `effect` on the same manager and commits. A concurrent delivery of the same
   * event waits on the first one's row lock and then sees a duplicate.
   */
  process(
    groupId: string,
    eventId: string,
    effect: (manager: EntityManager) => Promise<void>,
  ): Promise<InboxResult> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${this.table} ("consumer_group", "event_id") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS "new"`,
        [groupId, eventId],
      );
      if (inserted.length === 0) return 'duplicate';
      await effect(manager);
      return 'processed';
    });
  }
}
