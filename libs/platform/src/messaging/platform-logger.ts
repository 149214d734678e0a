// The smallest logger the platform adapters need: pino's call shape (`log(fields, msg)` or `log(msg)`).
// The lead's logging module hands in a pino/Nest-backed instance; tests pass `silentLogger`.

export interface PlatformLogger {
  debug(fieldsOrMessage: object | string, message?: string): void;
  info(fieldsOrMessage: object | string, message?: string): void;
  warn(fieldsOrMessage: object | string, message?: string): void;
  error(fieldsOrMessage: object | string, message?: string): void;
}

const noop = (): void => undefined;

/** Drops everything. */
export const silentLogger: PlatformLogger = { debug: noop, info: noop, warn: noop, error: noop };

const toStderr =
  (level: string) =>
  (fieldsOrMessage: object | string, message?: string): void => {
    const line =
      typeof fieldsOrMessage === 'string'
        ? { level, msg: fieldsOrMessage }
        : { level, ...fieldsOrMessage, msg: message };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };

/** Default when no logger is given: warnings and errors as JSON lines on stderr, nothing else. */
export const stderrLogger: PlatformLogger = {
  debug: noop,
  info: noop,
  warn: toStderr('warn'),
  error: toStderr('error'),
};
