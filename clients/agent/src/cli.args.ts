// Command-line parsing with node:util parseArgs: global flags anywhere, one command (pki takes a subcommand),
// then that command's flags and positionals. Unknown flags and missing values are usage errors (exit 2).
import { parseArgs, ParseArgsConfig } from 'node:util';
import { usageError } from './agent.errors';

type Options = NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_OPTIONS = {
  home: { type: 'string' },
  json: { type: 'boolean' },
  platform: { type: 'string' },
  profile: { type: 'string' },
  'passphrase-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const COMMAND_OPTIONS = {
  'pki dev-init': { out: { type: 'string' }, 'key-type': { type: 'string' } },
  'pki issue': {
    ca: { type: 'string' },
    office: { type: 'string' },
    'service-type': { type: 'string', multiple: true },
    'key-type': { type: 'string' },
    out: { type: 'string' },
    'password-file': { type: 'string' },
    overwrite: { type: 'boolean' },
  },
  init: {
    p12: { type: 'string' },
    name: { type: 'string' },
    'password-file': { type: 'string' },
    'trust-anchor': { type: 'string' },
    offline: { type: 'boolean' },
    force: { type: 'boolean' },
  },
  send: { dir: { type: 'string' } },
  validate: {
    dir: { type: 'string' },
    report: { type: 'boolean' },
    csv: { type: 'string' },
    overwrite: { type: 'boolean' },
  },
  inbox: { status: { type: 'string' } },
  fetch: { all: { type: 'boolean' }, out: { type: 'string' }, overwrite: { type: 'boolean' } },
  watch: {
    export: { type: 'string' },
    import: { type: 'string' },
    archive: { type: 'string' },
    rejected: { type: 'string' },
    once: { type: 'boolean' },
    'settle-ms': { type: 'string' },
    'poll-ms': { type: 'string' },
    'scan-ms': { type: 'string' },
    api: { type: 'boolean' },
    'api-port': { type: 'string' },
  },
  sent: { month: { type: 'string' } },
  evidence: { month: { type: 'string' }, out: { type: 'string' }, overwrite: { type: 'boolean' } },
  api: { port: { type: 'string' }, host: { type: 'string' } },
  status: { offline: { type: 'boolean' } },
  demo: { 'ca-dir': { type: 'string' }, keep: { type: 'boolean' } },
  register: { 'service-types': { type: 'string' }, 'no-auto-renew': { type: 'boolean' } },
  licence: {},
  'licence renew': { 'auto-renew': { type: 'boolean' }, 'no-auto-renew': { type: 'boolean' } },
  'licence cancel': { reason: { type: 'string' } },
  profile: {},
  'profile list': {},
  'profile remove': {},
  'profile rekey': { 'new-passphrase-file': { type: 'string' } },
} as const satisfies Record<string, Options>;

export type CommandName = keyof typeof COMMAND_OPTIONS;

export interface GlobalFlags {
  home?: string;
  json: boolean;
  platform?: string;
  /** --profile NAME */
  profile?: string;
  /** --passphrase-file FILE: the key passphrase (first line) */
  passphraseFile?: string;
  help: boolean;
}

export interface ParsedCommandLine {
  /** undefined when only global flags (e.g. --help) were given */
  command: CommandName | undefined;
  global: GlobalFlags;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

const GLOBAL_WITH_VALUE = new Set(['--home', '--platform', '--profile', '--passphrase-file']);

/** commands that take a subcommand word (`licence` and `profile` also stand alone) */
const WITH_SUBCOMMAND = new Set(['pki', 'licence', 'profile']);

/** The command words: the first one or two tokens that are neither flags nor values of global flags. */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i += 1) {
    const token = argv[i];
    if (token === '--') break;
    if (GLOBAL_WITH_VALUE.has(token)) {
      i += 1;
      continue;
    }
    if (token.startsWith('-')) {
      // a command flag: everything after it belongs to the command
      if (words.length > 0) break;
      continue;
    }
    words.push(token);
    if (!WITH_SUBCOMMAND.has(words[0])) break;
  }
  return words;
}

export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const words = commandWords(argv);
  const name = WITH_SUBCOMMAND.has(words[0]) ? words.slice(0, 2).join(' ') : words[0];
  if (name !== undefined && !(name in COMMAND_OPTIONS)) {
    throw usageError(`不明なコマンドです (unknown command): ${name}。\`renkei --help\` を参照してください`);
  }
  const command = name as CommandName | undefined;
  const options: Options = { ...GLOBAL_OPTIONS, ...(command ? COMMAND_OPTIONS[command] : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError(
      `引数が正しくありません (usage): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { home, json, platform, profile, help, ...rest } = parsed.values;
  const { 'passphrase-file': passphraseFile, ...values } = rest;
  return {
    command,
    global: {
      home: typeof home === 'string' ? home : undefined,
      json: json === true,
      platform: typeof platform === 'string' ? platform : undefined,
      profile: typeof profile === 'string' ? profile : undefined,
      passphraseFile: typeof passphraseFile === 'string' ? passphraseFile : undefined,
      help: help === true,
    },
    values: values as ParsedCommandLine['values'],
    positionals: parsed.positionals.slice(command ? command.split(' ').length : 0),
  };
}

export function stringOption(values: ParsedCommandLine['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredOption(values: ParsedCommandLine['values'], name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === '')
    throw usageError(`--${name} を指定してください (missing --${name})`);
  return value;
}

export function listOption(values: ParsedCommandLine['values'], name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function keyTypeOption(values: ParsedCommandLine['values']): 'rsa' | 'ec' | undefined {
  const value = stringOption(values, 'key-type');
  if (value === undefined || value === 'rsa' || value === 'ec') return value;
  throw usageError(`--key-type は rsa か ec です: ${value}`);
}
