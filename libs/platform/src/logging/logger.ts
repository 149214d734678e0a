// One pino logger per process: JSON in the cluster, pretty in a terminal; every record carries the service
// and the current correlation id, and passes through the Redactor.
import pino, { Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import { currentCorrelationId } from './correlation';
import { Redactor } from './redactor';

export type Logger = PinoLogger;

export interface LoggerOptions {
  readonly service: string;
  readonly level: string;
  readonly format: 'json' | 'pretty';
  readonly secretValues?: readonly string[];
  /** instead of `secretValues`: a redactor the caller keeps, to add secrets learnt later */
  readonly redactor?: Redactor;
  /** defaults to stdout; tests pass a stream to read what was written */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const redactor = options.redactor ?? new Redactor(options.secretValues);
  const destination =
    options.format === 'pretty'
      ? pretty({
          colorize: process.stdout.isTTY === true,
          sync: true,
          singleLine: true,
          ignore: 'pid,hostname,service',
          destination: options.destination ?? 1,
        })
      : (options.destination ?? pino.destination({ sync: false }));
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlationId } : {};
      },
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => redactor.redact(record),
      },
      hooks: {
        // messages are redacted too: a secret interpolated into a sentence must not survive
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === 'string' ? redactor.redactString(arg) : arg));
          return method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    destination as pino.DestinationStream,
  );
}
