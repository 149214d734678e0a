// Boots a Nest app on the platform: configuration first (a bad environment stops the process listing every
// bad variable), then logger and metrics, then the API and the separate /metrics server; SIGTERM drains.
import 'reflect-metadata';
import { DynamicModule, HttpException, INestApplication, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../config/env-schema';
import { loadPlatformConfig, PlatformConfig } from '../config/platform-config';
import { PlatformDefaults } from '../config/platform-env.schema';
import { createLogger, Logger } from '../logging/logger';
import { PinoNestLogger } from '../logging/nest-logger';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { MetricsServer } from '../metrics/metrics-server';
import { bodyParserRefusal } from './all-exceptions.filter';
import { PlatformModule, PlatformRuntime } from './platform.module';

export interface AppSpec {
  /** `intake`, …, or `standalone` */
  readonly name: string;
  readonly defaults: PlatformDefaults;
  /** the feature modules hosted by this process */
  readonly modules: ReadonlyArray<Type | DynamicModule>;
}

export interface RunningApp {
  readonly app: INestApplication;
  readonly config: PlatformConfig;
  readonly logger: Logger;
  /** base URL of the API, e.g. http://127.0.0.1:8083 */
  readonly url: string;
  /** URL of the Prometheus endpoint, or undefined when METRICS_PORT=0… is disabled */
  readonly metricsUrl: string | undefined;
  close(): Promise<void>;
}

@Module({})
class AppRootModule {}

export interface StartOptions {
  /** use this configuration instead of reading process.env (tests, standalone after starting its database) */
  readonly config?: PlatformConfig;
  readonly logger?: Logger;
}

export async function startApp(spec: AppSpec, options: StartOptions = {}): Promise<RunningApp> {
  const config = options.config ?? loadPlatformConfig(spec.name, spec.defaults);
  const logger =
    options.logger ??
    createLogger({
      service: spec.name,
      level: config.log.level,
      format: config.log.format,
      secretValues: config.secrets.values,
    });
  const metrics = new MetricsRegistry(spec.name);
  const runtime: PlatformRuntime = { config, logger, metrics };

  const root: DynamicModule = {
    module: AppRootModule,
    imports: [PlatformModule.forRoot(runtime), ...spec.modules],
  };
  // the body parsers Nest would register (same limits), followed by a translator of their refusals: Nest turns a
  // body-parser SyntaxError into a plain 400 before any filter sees its type, so unparseable JSON would answer
  // BAD_REQUEST instead of BODY_MALFORMED
  const app = await NestFactory.create(root, { logger: new PinoNestLogger(logger), bodyParser: false });
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.use(
    json({ limit: '100kb' }),
    urlencoded({ extended: true, limit: '100kb' }),
    translateBodyParserRefusal,
  );
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address() as AddressInfo;

  const metricsServer = new MetricsServer(metrics);
  const metricsPort =
    config.metrics.port === 0
      ? undefined
      : await metricsServer.start(config.metrics.host, config.metrics.port);

  const url = `http://${config.http.host}:${address.port}`;
  const metricsUrl =
    metricsPort === undefined ? undefined : `http://${config.metrics.host}:${metricsPort}/metrics`;
  logger.info(
    { url, metricsUrl, bus: config.bus.driver, objects: config.objects.driver },
    `${spec.name} listening`,
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await metricsServer.stop();
      await app.close();
      logger.info(`${spec.name} stopped`);
      logger.flush();
    })());
  return { app, config, logger, url, metricsUrl, close };
}

/**
 * Entry point helper for `main.ts`: runs `start`, exits 78 (EX_CONFIG) on a configuration error with every
 * bad variable listed, and closes gracefully on SIGTERM/SIGINT within SHUTDOWN_GRACE_MS.
 */
export function runMain(start: () => Promise<{ close(): Promise<void>; config?: PlatformConfig }>): void {
  start().then(
    (running) => {
      const grace = running.config?.shutdownGraceMs ?? 10000;
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        const timer = setTimeout(() => {
          process.stderr.write(`shutdown took longer than ${grace} ms after ${signal}; exiting\n`);
          process.exit(1);
        }, grace);
        timer.unref();
        running.close().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(
              `shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`,
            );
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(78);
      }
      process.stderr.write(
        `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

/** express error middleware: a body-parser refusal becomes an HttpException with its stable code */
function translateBodyParserRefusal(
  error: unknown,
  _request: Request,
  _response: Response,
  next: NextFunction,
): void {
  const refusal = bodyParserRefusal(error);
  next(refusal ? new HttpException({ code: refusal.code, message: refusal.message }, refusal.status) : error);
}
