// The CLI layer: parse, run one command, print its data (text or --json), map errors to exit codes.
import * as path from 'node:path';
import { AgentContext } from './agent.context';
import { ExitCode, toAgentError, usageError } from './agent.errors';
import {
  keyTypeOption,
  listOption,
  ParsedCommandLine,
  parseCommandLine,
  requiredOption,
  stringOption,
} from './cli.args';
import {
  formatApiListening,
  formatApiLogLine,
  formatApiStopped,
  formatDemo,
  formatDevInit,
  formatError,
  formatEvidence,
  formatFetch,
  formatInbox,
  formatInit,
  formatIssue,
  formatLicence,
  formatLicenceCancel,
  formatLicenceRenew,
  formatRegister,
  formatOfficeStatus,
  formatProfileList,
  formatProfileRemove,
  formatRekey,
  formatSend,
  formatSent,
  formatStatus,
  formatValidate,
  formatWatch,
  HELP,
} from './cli.output';
import { ApiLogEntry } from './api/local-api.server';
import { processSignals, runApi } from './commands/api.command';
import { demo } from './commands/demo.command';
import { fetchEnvelopes } from './commands/fetch.command';
import { inbox, parseInboxStatus } from './commands/inbox.command';
import { init } from './commands/init.command';
import {
  cancelLicence,
  licenceStatus,
  parseServiceTypes,
  register,
  renewLicence,
} from './commands/licence.command';
import { officeStatus } from './commands/office-status.command';
import { pkiDevInit, pkiIssue } from './commands/pki.command';
import { listProfiles, rekey, removeProfile } from './commands/profile.command';
import { send } from './commands/send.command';
import { sent } from './commands/sent.command';
import { evidence } from './commands/evidence.command';
import { parseMonth } from './evidence/evidence-month';
import { createProgressBar, ProgressStream } from './progress';
import { status } from './commands/status.command';
import { validate } from './commands/validate.command';
import { watch, watchLogLine } from './commands/watch.command';
import { readPassword } from './files.util';
import { defaultHome } from './profile.store';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** reads a line without echo: only when stdin is a terminal */
  promptSecret?: (question: string) => Promise<string>;
  /** the OS secret store: undefined = detect it, null = none (tests) */
  secretStore?: AgentContext['secretStore'];
  /** where progress bars are drawn (process.stderr in main.ts); none without it, or with --json */
  progressStream?: ProgressStream;
}

interface Output {
  data: unknown;
  text: string;
  exitCode?: ExitCode;
}

/** Runs one command line and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let json = argv.includes('--json');
  try {
    const parsed = parseCommandLine(argv);
    json = parsed.global.json;
    if (parsed.global.help || parsed.command === undefined) {
      io.stdout(HELP);
      return parsed.global.help ? ExitCode.Ok : ExitCode.Usage;
    }
    const ctx: AgentContext = {
      home: path.resolve(parsed.global.home ?? defaultHome(io.env)),
      profile: parsed.global.profile ?? (io.env.RENKEI_PROFILE || undefined),
      passphraseFile: parsed.global.passphraseFile,
      platformUrl: parsed.global.platform,
      env: io.env,
      fetch: io.fetch,
      promptSecret: io.promptSecret,
      secretStore: io.secretStore,
      // on a terminal a progress line first clears a bar being drawn (the bar is redrawn at its next tick)
      progress: json
        ? () => undefined
        : (message) => io.stderr(io.progressStream?.isTTY ? `\r\x1b[K${message}` : message),
      warn: (message) => io.stderr(message),
      progressBar:
        json || !io.progressStream
          ? undefined
          : (options) => createProgressBar(io.progressStream as ProgressStream, options),
    };
    const output = await dispatch(parsed, ctx, io.env);
    io.stdout(json ? JSON.stringify(output.data, null, 2) : output.text);
    return output.exitCode ?? ExitCode.Ok;
  } catch (error) {
    const agentError = toAgentError(error);
    if (json) {
      const { code, message, details } = agentError;
      io.stdout(
        JSON.stringify({ error: { code, message, ...(details !== undefined ? { details } : {}) } }, null, 2),
      );
    } else {
      io.stderr(formatError(agentError));
      if (agentError.exitCode === ExitCode.Unexpected && error instanceof Error && io.env.RENKEI_DEBUG) {
        io.stderr(error.stack ?? '');
      }
    }
    return agentError.exitCode;
  }
}

async function dispatch(
  parsed: ParsedCommandLine,
  ctx: AgentContext,
  env: NodeJS.ProcessEnv,
): Promise<Output> {
  const { values, positionals } = parsed;
  const command = parsed.command as NonNullable<ParsedCommandLine['command']>;
  const takesPositionals = ['send', 'validate', 'fetch', 'status', 'profile remove'].includes(command);
  if (!takesPositionals && positionals.length > 0) {
    throw usageError(`余分な引数があります (unexpected argument): ${positionals.join(' ')}`);
  }
  switch (command) {
    case 'pki dev-init': {
      const r = await pkiDevInit({ out: requiredOption(values, 'out'), keyType: keyTypeOption(values) });
      return { data: r, text: formatDevInit(r) };
    }
    case 'pki issue': {
      const r = await pkiIssue({
        caDir: requiredOption(values, 'ca'),
        officeNumber: requiredOption(values, 'office'),
        serviceTypes: listOption(values, 'service-type'),
        keyType: keyTypeOption(values),
        out: requiredOption(values, 'out'),
        password: await readPassword(stringOption(values, 'password-file'), env),
        overwrite: values.overwrite === true,
      });
      return { data: r, text: formatIssue(r) };
    }
    case 'init': {
      const r = await init(ctx, {
        p12: requiredOption(values, 'p12'),
        name: stringOption(values, 'name'),
        password: await readPassword(stringOption(values, 'password-file'), env),
        trustAnchorFile: stringOption(values, 'trust-anchor'),
        offline: values.offline === true,
        force: values.force === true,
      });
      return { data: r, text: formatInit(r) };
    }
    case 'send': {
      const dir = stringOption(values, 'dir');
      if (positionals.length > 0 === (dir !== undefined)) {
        throw usageError('ファイルか --dir DIR のどちらか一方を指定してください (give files or --dir)');
      }
      const r = await send(ctx, { files: positionals, dir });
      return { data: r, text: formatSend(r) };
    }
    case 'validate': {
      const dir = stringOption(values, 'dir');
      if (positionals.length > 0 === (dir !== undefined)) {
        throw usageError('ファイルか --dir DIR のどちらか一方を指定してください (give files or --dir)');
      }
      const csv = stringOption(values, 'csv');
      const report = values.report === true;
      if (csv !== undefined && !report)
        throw usageError('--csv は --report と一緒に指定してください (--csv needs --report)');
      const r = await validate({
        files: positionals,
        dir,
        report,
        csv,
        overwrite: values.overwrite === true,
      });
      return {
        data: r.conformance ?? r.check,
        text: formatValidate(r),
        exitCode: r.ok ? ExitCode.Ok : ExitCode.InvalidInput,
      };
    }
    case 'inbox': {
      const r = await inbox(ctx, { status: parseInboxStatus(stringOption(values, 'status')) });
      return { data: r, text: formatInbox(r) };
    }
    case 'fetch': {
      const r = await fetchEnvelopes(ctx, {
        envelopeIds: positionals,
        all: values.all === true,
        out: requiredOption(values, 'out'),
        overwrite: values.overwrite === true,
      });
      return { data: r, text: formatFetch(r) };
    }
    case 'sent': {
      const month = stringOption(values, 'month');
      const r = await sent(ctx, { month: month === undefined ? undefined : parseMonth(month) });
      return { data: r, text: formatSent(r) };
    }
    case 'evidence': {
      const r = await evidence(ctx, {
        month: parseMonth(requiredOption(values, 'month')),
        out: stringOption(values, 'out'),
        overwrite: values.overwrite === true,
      });
      return { data: r, text: formatEvidence(r) };
    }
    case 'watch': {
      const r = await runWatch(values, ctx, parsed.global.json);
      return { data: r, text: formatWatch(r), exitCode: r.waitingOn ? ExitCode.Unreachable : ExitCode.Ok };
    }
    case 'api': {
      const r = await runLocalApi(values, ctx, parsed.global.json);
      return { data: r, text: formatApiStopped(r) };
    }
    case 'status': {
      if (positionals.length === 0) {
        const r = await officeStatus(ctx, { offline: values.offline === true });
        return { data: r, text: formatOfficeStatus(r) };
      }
      if (positionals.length !== 1) throw usageError('封筒IDを1つ指定してください (give one envelope id)');
      if (values.offline === true) {
        throw usageError('--offline は封筒IDなしの status だけに使えます (--offline needs no envelope id)');
      }
      const r = await status(ctx, { envelopeId: positionals[0] });
      return { data: r, text: formatStatus(r) };
    }
    case 'demo': {
      const r = await demo(ctx, { caDir: stringOption(values, 'ca-dir'), keep: values.keep === true });
      return { data: r, text: formatDemo(r), exitCode: r.ok ? ExitCode.Ok : ExitCode.Unexpected };
    }
    case 'register': {
      const serviceTypes = stringOption(values, 'service-types');
      const r = await register(ctx, {
        serviceTypes: serviceTypes === undefined ? undefined : parseServiceTypes(serviceTypes),
        autoRenew: values['no-auto-renew'] !== true,
      });
      // --json: registry's answer (the licence)
      return { data: r.licence, text: formatRegister(r) };
    }
    case 'licence': {
      const r = await licenceStatus(ctx);
      return { data: r, text: formatLicence(r) };
    }
    case 'licence renew': {
      if (values['auto-renew'] === true && values['no-auto-renew'] === true) {
        throw usageError(
          '--auto-renew と --no-auto-renew はどちらか一方を指定してください (give one of them)',
        );
      }
      const r = await renewLicence(ctx, { autoRenew: values['no-auto-renew'] !== true });
      return { data: r, text: formatLicenceRenew(r) };
    }
    case 'licence cancel': {
      const r = await cancelLicence(ctx, { reason: requiredOption(values, 'reason') });
      return { data: r, text: formatLicenceCancel(r) };
    }
    case 'profile':
    case 'profile list': {
      const r = await listProfiles(ctx);
      return { data: r, text: formatProfileList(r) };
    }
    case 'profile remove': {
      if (positionals.length !== 1)
        throw usageError('プロファイル名を1つ指定してください (give one profile name)');
      const r = await removeProfile(ctx, positionals[0]);
      return { data: r, text: formatProfileRemove(r) };
    }
    case 'profile rekey': {
      const r = await rekey(ctx, { newPassphraseFile: stringOption(values, 'new-passphrase-file') });
      return { data: r, text: formatRekey(r) };
    }
  }
}

/** `renkei watch`: events as they happen on stderr (JSON lines with --json); SIGINT/SIGTERM end it gracefully */
async function runWatch(
  values: ParsedCommandLine['values'],
  ctx: AgentContext,
  json: boolean,
): Promise<Awaited<ReturnType<typeof watch>>> {
  const apiPort = stringOption(values, 'api-port');
  if (apiPort !== undefined && values.api !== true) {
    throw usageError('--api-port は --api と一緒に指定します (--api-port needs --api)');
  }
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await watch(ctx, {
      exportDir: requiredOption(values, 'export'),
      importDir: requiredOption(values, 'import'),
      archiveDir: stringOption(values, 'archive'),
      rejectedDir: stringOption(values, 'rejected'),
      once: values.once === true,
      settleMs: msOption(values, 'settle-ms'),
      pollMs: msOption(values, 'poll-ms'),
      scanMs: msOption(values, 'scan-ms'),
      log: json
        ? (event) => (ctx.warn ?? ctx.progress)(watchLogLine(event))
        : (event) => ctx.progress(event.ja),
      signal: stop.signal,
      api: values.api === true ? { port: apiPort, ...apiOutput(ctx, json) } : undefined,
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function msOption(values: ParsedCommandLine['values'], name: string): number | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(value)) throw usageError(`--${name} はミリ秒の整数です (milliseconds): ${value}`);
  return Number(value);
}

/** `renkei api`: the startup message and request log on stderr (JSON lines with --json); SIGINT/SIGTERM stop it */
function runLocalApi(
  values: ParsedCommandLine['values'],
  ctx: AgentContext,
  json: boolean,
): ReturnType<typeof runApi> {
  return runApi(ctx, {
    port: stringOption(values, 'port'),
    host: stringOption(values, 'host'),
    ...apiOutput(ctx, json),
    stopSignal: () => processSignals(),
  });
}

/** the local API's startup message and request log on stderr (`renkei api`, `renkei watch --api`) */
function apiOutput(
  ctx: AgentContext,
  json: boolean,
): Pick<Parameters<typeof runApi>[1], 'log' | 'onListening'> {
  const line = ctx.warn ?? ctx.progress;
  return {
    log: (entry: ApiLogEntry) => line(formatApiLogLine(entry, json)),
    onListening: (listening) =>
      line(
        json
          ? JSON.stringify({ level: 'info', event: 'listening', message: 'listening', ...listening })
          : formatApiListening(listening),
      ),
  };
}
