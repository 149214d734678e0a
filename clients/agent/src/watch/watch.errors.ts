/** Error codes of `renkei watch` (besides the agent's and the platform's). */
export enum WatchErrorCode {
  WATCH_LOCKED = 'WATCH_LOCKED',
  WATCH_QUEUE_CORRUPT = 'WATCH_QUEUE_CORRUPT',
  WATCH_IMPORT_CONFLICT = 'WATCH_IMPORT_CONFLICT',
}
