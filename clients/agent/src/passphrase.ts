// Where the key passphrase comes from, in order: --passphrase-file FILE, $RENKEI_KEY_PASSPHRASE, the OS secret
// store (when the profile's passphrase was put there), an interactive prompt without echo (stdin a TTY), else
// KEY_PASSPHRASE_REQUIRED (exit 2). The passphrase is never printed, logged or written anywhere but the OS store.
import { randomBytes, randomUUID } from 'node:crypto';
import { AgentError, AgentErrorCode, ExitCode } from './agent.errors';
import { readInputFile } from './files.util';
import { MIN_PASSPHRASE_LENGTH, passphraseRequired } from './key-encryption';
import { detectSecretStore, SecretStore, SecretStoreKind } from './secret-store';

export const PASSPHRASE_ENV = 'RENKEI_KEY_PASSPHRASE';
export const NEW_PASSPHRASE_ENV = 'RENKEI_NEW_KEY_PASSPHRASE';

/** Where a profile's passphrase is kept when the OS holds it (profile.json `keySecret`). */
export interface KeySecret {
  store: SecretStoreKind;
  id: string;
}

export interface PassphraseContext {
  home: string;
  env: NodeJS.ProcessEnv;
  /** --passphrase-file */
  passphraseFile?: string;
  /** reads a line without echo; present only when stdin is a TTY */
  promptSecret?: (question: string) => Promise<string>;
  /** the OS secret store: undefined = detect it, null = none (tests) */
  secretStore?: SecretStore | null;
}

export type PassphraseSource = 'file' | 'env' | 'os-secret' | 'prompt';

export interface NewPassphrase {
  passphrase: string;
  source: PassphraseSource;
  /** set when the passphrase was generated and stored in the OS secret store */
  keySecret?: KeySecret;
}

export async function secretStoreOf(ctx: PassphraseContext): Promise<SecretStore | undefined> {
  if (ctx.secretStore !== undefined) return ctx.secretStore ?? undefined;
  return detectSecretStore({ platform: process.platform, env: ctx.env, home: ctx.home });
}

async function firstLine(file: string): Promise<string> {
  return (await readInputFile(file)).toString('utf8').split(/\r?\n/)[0];
}

/** The passphrase that opens the key of profile `name` (whose passphrase may be in the OS store). */
export async function unlockPassphrase(
  ctx: PassphraseContext,
  name: string,
  keySecret: KeySecret | undefined,
): Promise<string> {
  if (ctx.passphraseFile) return firstLine(ctx.passphraseFile);
  const fromEnv = ctx.env[PASSPHRASE_ENV];
  if (fromEnv) return fromEnv;
  let detail = '';
  if (keySecret) {
    const store = await secretStoreOf(ctx);
    if (store?.kind === keySecret.store) {
      const secret = await store.lookup(keySecret.id).catch(() => undefined);
      if (secret !== undefined) return secret;
      detail = `。${store.label} にこのプロファイルのパスフレーズが見つかりません`;
    } else {
      detail = `。このプロファイルのパスフレーズを保管した ${keySecret.store} が使えません`;
    }
  }
  if (ctx.promptSecret) return ctx.promptSecret(`プロファイル ${name} の秘密鍵のパスフレーズ: `);
  throw passphraseRequired(detail);
}

export interface NewPassphraseSources {
  /** files to read, first given wins (e.g. --new-passphrase-file, then --passphrase-file) */
  files: (string | undefined)[];
  /** environment variables, first set wins */
  envNames: string[];
  /** the profile the passphrase is for (prompt text) */
  name: string;
}

/**
 * A passphrase for a new or re-encrypted key: from a file or the environment if given, else generated and put in
 * the OS secret store when there is one, else asked twice at the terminal.
 */
export async function newPassphrase(
  ctx: PassphraseContext,
  sources: NewPassphraseSources,
): Promise<NewPassphrase> {
  const file = sources.files.find((f) => f !== undefined && f !== '');
  if (file !== undefined) return { passphrase: checkLength(await firstLine(file)), source: 'file' };
  for (const name of sources.envNames) {
    const value = ctx.env[name];
    if (value) return { passphrase: checkLength(value), source: 'env' };
  }
  const store = await secretStoreOf(ctx);
  if (store) {
    const passphrase = randomBytes(32).toString('base64url');
    const id = randomUUID();
    try {
      await store.store(id, passphrase);
      // a store that accepts but cannot give back (no keyring daemon…) is no store
      if ((await store.lookup(id)) === passphrase) {
        return { passphrase, source: 'os-secret', keySecret: { store: store.kind, id } };
      }
    } catch {
      // fall through to the prompt
    }
    await store.remove(id).catch(() => undefined);
  }
  if (ctx.promptSecret) {
    const first = checkLength(await ctx.promptSecret(`プロファイル ${sources.name} の新しいパスフレーズ: `));
    const again = await ctx.promptSecret('もう一度入力してください (confirm): ');
    if (first !== again) {
      throw new AgentError(
        AgentErrorCode.KEY_PASSPHRASE_MISMATCH,
        'パスフレーズが一致しません (passphrases differ)',
        ExitCode.Usage,
      );
    }
    return { passphrase: first, source: 'prompt' };
  }
  throw passphraseRequired();
}

function checkLength(passphrase: string): string {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new AgentError(
      AgentErrorCode.KEY_PASSPHRASE_TOO_SHORT,
      `パスフレーズは ${MIN_PASSPHRASE_LENGTH} 文字以上にしてください (passphrase too short)`,
      ExitCode.InvalidInput,
    );
  }
  return passphrase;
}

/** Forgets a passphrase kept in the OS store (after a rekey or a profile's removal); best effort. */
export async function forgetKeySecret(
  ctx: PassphraseContext,
  keySecret: KeySecret | undefined,
): Promise<void> {
  if (!keySecret) return;
  const store = await secretStoreOf(ctx);
  if (store?.kind === keySecret.store) await store.remove(keySecret.id).catch(() => undefined);
}
