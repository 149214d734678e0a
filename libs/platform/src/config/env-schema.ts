// Every environment variable is declared once, with its type, default, whether it is a secret, and (where it
// applies) the condition under which it is required. `parseEnv` reads process.env once and reports every bad
// variable together, so an operator fixes the deployment in one pass.

export type EnvSource = Readonly<Record<string, string | undefined>>;

interface VarSpecBase<T> {
  readonly description: string;
  readonly default?: T;
  /** secrets are redacted from logs and never echoed in errors */
  readonly secret?: boolean;
  /** required when this returns true for the raw environment (e.g. only for a given driver) */
  readonly requiredWhen?: { readonly describe: string; readonly test: (env: EnvSource) => boolean };
}

export interface VarSpec<T> extends VarSpecBase<T> {
  readonly kind: string;
  readonly parse: (raw: string) => T;
}

export type EnvSchema = Readonly<Record<string, VarSpec<unknown>>>;

/** Optional unless it has a default; a var with `requiredWhen` is `T | undefined` in the parsed result. */
export type ParsedEnv<S extends EnvSchema> = {
  -readonly [K in keyof S]: S[K] extends VarSpec<infer T>
    ? S[K] extends { default: unknown }
      ? T
      : T | undefined
    : never;
};

export class EnvValueError extends Error {}

export interface EnvIssue {
  readonly name: string;
  readonly problem: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: readonly EnvIssue[]) {
    super(
      `invalid configuration (${issues.length} variable${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  - ${issue.name}: ${issue.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

function spec<T>(kind: string, parse: (raw: string) => T, options: VarSpecBase<T>): VarSpec<T> {
  return { kind, parse, ...options };
}

const INTEGER = /^-?\d+$/;

export const env = {
  string: <O extends VarSpecBase<string>>(options: O) =>
    spec<string>('string', (raw) => raw, options) as VarSpec<string> & O,

  int: <O extends VarSpecBase<number> & { min?: number; max?: number }>(options: O) =>
    spec<number>(
      'integer',
      (raw) => {
        if (!INTEGER.test(raw.trim())) throw new EnvValueError('must be an integer');
        const value = Number(raw.trim());
        if (options.min !== undefined && value < options.min)
          throw new EnvValueError(`must be ≥ ${options.min}`);
        if (options.max !== undefined && value > options.max)
          throw new EnvValueError(`must be ≤ ${options.max}`);
        return value;
      },
      options,
    ) as VarSpec<number> & O,

  port: <O extends VarSpecBase<number>>(options: O) =>
    spec<number>(
      'port',
      (raw) => {
        const value = Number(raw.trim());
        if (!INTEGER.test(raw.trim()) || value < 0 || value > 65535) {
          throw new EnvValueError('must be a TCP port (0–65535)');
        }
        return value;
      },
      options,
    ) as VarSpec<number> & O,

  bool: <O extends VarSpecBase<boolean>>(options: O) =>
    spec<boolean>(
      'boolean',
      (raw) => {
        const value = raw.trim().toLowerCase();
        if (['1', 'true', 'yes', 'on'].includes(value)) return true;
        if (['0', 'false', 'no', 'off'].includes(value)) return false;
        throw new EnvValueError('must be true or false');
      },
      options,
    ) as VarSpec<boolean> & O,

  oneOf: <const V extends readonly string[], O extends VarSpecBase<V[number]>>(values: V, options: O) =>
    spec<V[number]>(
      `one of ${values.join('|')}`,
      (raw) => {
        const value = raw.trim();
        if (!values.includes(value)) throw new EnvValueError(`must be one of ${values.join(', ')}`);
        return value as V[number];
      },
      options,
    ) as VarSpec<V[number]> & O,

  url: <O extends VarSpecBase<string> & { protocols?: readonly string[] }>(options: O) =>
    spec<string>(
      'url',
      (raw) => {
        let parsed: URL;
        try {
          parsed = new URL(raw.trim());
        } catch {
          throw new EnvValueError('must be an absolute URL');
        }
        if (options.protocols && !options.protocols.includes(parsed.protocol.replace(/:$/, ''))) {
          throw new EnvValueError(`must use ${options.protocols.join(' or ')}`);
        }
        return raw.trim();
      },
      options,
    ) as VarSpec<string> & O,

  /** comma-separated, blanks dropped */
  list: <O extends VarSpecBase<string[]> & { minItems?: number }>(options: O) =>
    spec<string[]>(
      'comma-separated list',
      (raw) => {
        const items = raw
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0);
        if (options.minItems !== undefined && items.length < options.minItems) {
          throw new EnvValueError(`needs at least ${options.minItems} item(s)`);
        }
        return items;
      },
      options,
    ) as VarSpec<string[]> & O,
};

/** `requiredWhen` for "VAR=value". */
export const whenEquals = (name: string, value: string) => ({
  describe: `${name}=${value}`,
  test: (source: EnvSource) => (source[name] ?? '').trim() === value,
});

/** Parses every declared variable; throws one ConfigError listing all problems. Unknown variables are ignored. */
export function parseEnv<S extends EnvSchema>(schema: S, source: EnvSource = process.env): ParsedEnv<S> {
  const issues: EnvIssue[] = [];
  const result: Record<string, unknown> = {};
  for (const [name, varSpec] of Object.entries(schema)) {
    const raw = source[name];
    if (raw === undefined || raw.trim() === '') {
      if (varSpec.requiredWhen?.test(source)) {
        issues.push({ name, problem: `is required when ${varSpec.requiredWhen.describe}` });
      }
      result[name] = varSpec.default;
      continue;
    }
    try {
      result[name] = varSpec.parse(raw);
    } catch (error) {
      if (!(error instanceof EnvValueError)) throw error;
      // a secret's value is never echoed back
      const shown = varSpec.secret ? '' : ` (got "${raw.length > 80 ? `${raw.slice(0, 80)}…` : raw}")`;
      issues.push({ name, problem: `${error.message}${shown}` });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return result as ParsedEnv<S>;
}

/** Names of the variables marked secret: the logger's redaction list is built from these. */
export function secretNames(schema: EnvSchema): string[] {
  return Object.entries(schema)
    .filter(([, varSpec]) => varSpec.secret === true)
    .map(([name]) => name);
}

/** A human-readable table of the schema, for `--help`-style docs and the README. */
export function describeSchema(schema: EnvSchema): string {
  return Object.entries(schema)
    .map(([name, varSpec]) => {
      const fallback = varSpec.default === undefined ? '' : ` (default ${JSON.stringify(varSpec.default)})`;
      const required = varSpec.requiredWhen ? ` required when ${varSpec.requiredWhen.describe};` : '';
      const secret = varSpec.secret ? ' secret;' : '';
      return `${name}: ${varSpec.kind};${required}${secret} ${varSpec.description}${fallback}`;
    })
    .join('\n');
}
