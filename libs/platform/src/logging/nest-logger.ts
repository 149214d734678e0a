// Nest's Logger (`new Logger(ClassName.name)`) writes through pino, so every class logs JSON with its context.
import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Logger } from './logger';

// Nest's own start-up chatter (one line per module and route) is debug detail, not an operator's concern
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
  setLogLevels(_levels: LogLevel[]): void {
    // the level comes from LOG_LEVEL; Nest's own level list is not used
  }

  private write(
    level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal',
    message: unknown,
    rest: unknown[],
  ): void {
    // Nest passes the context as the last string argument, and an error's stack before it
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (level === 'info' && context && FRAMEWORK_CONTEXTS.has(context)) level = 'debug';
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
      return;
    }
    if (typeof message === 'object' && message !== null) {
      // `logger.log({ fields }, 'what happened')`: the string after the object is the message
      const text = args.find((arg): arg is string => typeof arg === 'string');
      const merged = { ...fields, ...(message as Record<string, unknown>) };
      if (text === undefined) this.logger[level](merged);
      else this.logger[level](merged, text);
      return;
    }
    const stack = args.find((arg): arg is string => typeof arg === 'string' && arg.includes('\n    at '));
    if (stack) fields.stack = stack;
    this.logger[level](fields, String(message));
  }
}
