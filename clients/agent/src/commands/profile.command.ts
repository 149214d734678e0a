// `renkei profile list | remove NAME | rekey`: the profiles of the home, removing one, and (re-)encrypting a key.
import { AgentContext, profileStoreOf } from '../agent.context';
import { decryptPrivateKey, encryptPrivateKey, KeyEncryptionOptions } from '../key-encryption';
import {
  forgetKeySecret,
  NEW_PASSPHRASE_ENV,
  newPassphrase,
  PASSPHRASE_ENV,
  PassphraseSource,
  unlockPassphrase,
} from '../passphrase';
import { KeyProtection, ProfileSettings, ProfileSummary } from '../profile.store';

export interface ProfileListResult {
  home: string;
  /** the profile used when none is named: the selected one, or the only one */
  selected: string | null;
  profiles: ProfileSummary[];
}

export async function listProfiles(ctx: AgentContext): Promise<ProfileListResult> {
  const profiles = await profileStoreOf(ctx).list();
  const requested = ctx.profile && profiles.some((p) => p.name === ctx.profile) ? ctx.profile : undefined;
  const selected = requested ?? (profiles.length === 1 ? profiles[0].name : null);
  return { home: ctx.home, selected, profiles };
}

export interface ProfileRemoveResult {
  removed: ProfileSummary;
}

export async function removeProfile(ctx: AgentContext, name: string): Promise<ProfileRemoveResult> {
  const store = profileStoreOf(ctx);
  const { keySecret } = await store.readSettings(await store.select(name));
  const removed = await store.remove(name);
  await forgetKeySecret(ctx, keySecret);
  return { removed };
}

export interface RekeyOptions {
  /** --new-passphrase-file */
  newPassphraseFile?: string;
  keyEncryption?: KeyEncryptionOptions;
}

export interface RekeyResult {
  profile: string;
  previously: KeyProtection;
  keyProtection: KeyProtection;
  /** where the new passphrase came from (never the passphrase) */
  passphraseSource: PassphraseSource;
}

/**
 * Encrypts a plain key (older versions) or changes the passphrase of an encrypted one. The current passphrase
 * comes from the usual sources; the new one from --new-passphrase-file, $RENKEI_NEW_KEY_PASSPHRASE, the OS
 * secret store or the prompt (for a plain key --passphrase-file and $RENKEI_KEY_PASSPHRASE also count as new).
 */
export async function rekey(ctx: AgentContext, options: RekeyOptions = {}): Promise<RekeyResult> {
  const store = profileStoreOf(ctx);
  const name = await store.select(ctx.profile);
  const { keyPem, settings } = await store.readKey(name);
  const previously = (await store.list()).find((p) => p.name === name)?.keyProtection ?? 'passphrase';
  const wasPlain = previously === 'plain';
  const key = decryptPrivateKey(
    keyPem,
    wasPlain ? undefined : await unlockPassphrase(ctx, name, settings.keySecret),
  );
  const secret = await newPassphrase(
    ctx,
    wasPlain
      ? {
          files: [options.newPassphraseFile, ctx.passphraseFile],
          envNames: [NEW_PASSPHRASE_ENV, PASSPHRASE_ENV],
          name,
        }
      : { files: [options.newPassphraseFile], envNames: [NEW_PASSPHRASE_ENV], name },
  );
  try {
    const encrypted = await encryptPrivateKey(key, secret.passphrase, options.keyEncryption);
    const next: ProfileSettings = { ...settings, keySecret: secret.keySecret };
    if (!secret.keySecret) delete next.keySecret;
    await store.replaceKey(name, encrypted, next);
  } catch (error) {
    await forgetKeySecret(ctx, secret.keySecret);
    throw error;
  }
  await forgetKeySecret(ctx, settings.keySecret);
  return {
    profile: name,
    previously,
    keyProtection: secret.keySecret ? 'os-secret' : 'passphrase',
    passphraseSource: secret.source,
  };
}
