/** Error codes of `renkei watch` (besides the agent's and the platform's). */
export enum WatchErrorCode {
  WATCH_LOCKED = 'WATCH_LOCKED',
  WATCH_QUEUE_CORRUPT = 'WATCH_QUEUE_CORRUPT',
  WATCH_IMPORT_CONFLICT = 'WATCH_IMPORT_CONFLICT',
  /** a unit exported after a later ファイル連番 to the same recipient was sent: it would be imported out of order */
  WATCH_SEQUENCE_BEHIND = 'WATCH_SEQUENCE_BEHIND',
}
