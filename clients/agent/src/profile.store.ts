// The office profiles of one agent home, one directory each:
//   <home>/profiles/<name>/  profile.json (office number, service types, platform URL, where the passphrase is),
//                            certificate.pem, ca.pem (trust anchors), key.pem (encrypted PKCS#8, 0600), receipts/
// <name> is the 事業所番号 unless `init --name` said otherwise (e.g. 1310000004-43). A home of an older version,
// profile.json at its root, is moved into profiles/<事業所番号>/ the first time it is opened (nothing is lost).
import { KeyObject, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { certificatesFromPem } from '@renkei/envelope';
import { AgentError, AgentErrorCode, ExitCode } from './agent.errors';
import { ensureDirectory, exists, writeFileAtomic } from './files.util';
import { decryptPrivateKey, keyFileKind } from './key-encryption';
import type { KeySecret } from './passphrase';

export const PROFILES_DIR = 'profiles';
export const PROFILE_FILE = 'profile.json';
export const CERTIFICATE_FILE = 'certificate.pem';
export const TRUST_ANCHORS_FILE = 'ca.pem';
export const KEY_FILE = 'key.pem';

const MIGRATING_PREFIX = '.migrating-';
const NAME = /^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$/;

export interface ProfileSettings {
  version: 1;
  officeNumber: string;
  serviceTypes: string[];
  platformUrl: string;
  /** hex SHA-256 of the certificate DER */
  certificateSha256: string;
  createdAt: string;
  /** set when the key passphrase was generated and kept in the OS secret store */
  keySecret?: KeySecret;
}

/** How the key is protected on disk: by a passphrase, by a passphrase the OS keeps, or not (older versions). */
export type KeyProtection = 'passphrase' | 'os-secret' | 'plain';

export interface Profile {
  name: string;
  /** the profile's directory */
  dir: string;
  settings: ProfileSettings;
  certificate: Uint8Array;
  certificatePem: string;
  privateKey: KeyObject;
  /** PEM bundle of the CA certificates this office trusts for received envelopes */
  trustAnchorsPem: string;
  keyProtection: KeyProtection;
}

export interface ProfileSummary {
  name: string;
  dir: string;
  officeNumber: string;
  serviceTypes: string[];
  platformUrl: string;
  certificateSha256: string;
  createdAt: string;
  keyProtection: KeyProtection;
}

export interface SaveProfileInput {
  settings: ProfileSettings;
  certificatePem: string;
  /** the key as an encrypted PKCS#8 PEM (key-encryption.ts) */
  encryptedKeyPem: string;
  trustAnchorsPem: string;
}

export interface ProfileStoreOptions {
  /** warnings for people (stderr): a migrated home, a plain key */
  warn?: (message: string) => void;
}

/** $RENKEI_HOME, else ~/.renkei-agent. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.RENKEI_HOME || path.join(os.homedir(), '.renkei-agent');
}

export function checkProfileName(name: string): string {
  if (!NAME.test(name)) {
    throw new AgentError(
      AgentErrorCode.PROFILE_NAME_INVALID,
      `プロファイル名には英数字・ハイフン・下線だけを使えます (1〜64文字、例: 1310000004-43) (invalid profile name): ${name}`,
      ExitCode.Usage,
    );
  }
  return name;
}

export class ProfileStore {
  private migrated = false;

  constructor(
    readonly home: string,
    private readonly options: ProfileStoreOptions = {},
  ) {}

  dir(name: string): string {
    return path.join(this.home, PROFILES_DIR, checkProfileName(name));
  }

  async exists(name: string): Promise<boolean> {
    await this.migrate();
    return exists(path.join(this.dir(name), PROFILE_FILE));
  }

  /** Every profile of the home, by name. */
  async list(): Promise<ProfileSummary[]> {
    await this.migrate();
    const root = path.join(this.home, PROFILES_DIR);
    const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    const names = entries
      .filter((e) => e.isDirectory() && NAME.test(e.name))
      .map((e) => e.name)
      .sort();
    const summaries: ProfileSummary[] = [];
    for (const name of names) {
      const dir = path.join(root, name);
      if (!(await exists(path.join(dir, PROFILE_FILE)))) continue;
      const settings = await this.readSettings(name);
      const keyPem = await fs.readFile(path.join(dir, KEY_FILE), 'utf8').catch(() => '');
      const { officeNumber, serviceTypes, platformUrl, certificateSha256, createdAt } = settings;
      summaries.push({
        name,
        dir,
        officeNumber,
        serviceTypes,
        platformUrl,
        certificateSha256,
        createdAt,
        keyProtection: protectionOf(keyPem, settings),
      });
    }
    return summaries;
  }

  /**
   * The profile to use: `requested` (--profile / $RENKEI_PROFILE) when given, else the only one; several and
   * none requested is PROFILE_NOT_SELECTED (exit 2) naming them.
   */
  async select(requested: string | undefined): Promise<string> {
    const names = (await this.list()).map((p) => p.name);
    if (requested !== undefined && requested !== '') {
      checkProfileName(requested);
      if (names.includes(requested)) return requested;
      throw new AgentError(
        AgentErrorCode.PROFILE_NOT_FOUND,
        `プロファイル ${requested} がありません (profile not found): ${this.home}。${names.length > 0 ? `あるプロファイル: ${names.join(', ')}` : '先に `renkei init --p12 FILE` を実行してください'}`,
        ExitCode.NotFound,
        { profiles: names },
      );
    }
    if (names.length === 1) return names[0];
    if (names.length === 0) {
      throw new AgentError(
        AgentErrorCode.PROFILE_NOT_FOUND,
        `プロファイルがありません (profile not found): ${this.home}。先に \`renkei init --p12 FILE\` を実行してください`,
        ExitCode.NotFound,
      );
    }
    throw new AgentError(
      AgentErrorCode.PROFILE_NOT_SELECTED,
      `プロファイルが複数あります。--profile NAME または環境変数 RENKEI_PROFILE で選んでください (profile not selected): ${names.join(', ')}`,
      ExitCode.Usage,
      { profiles: names },
    );
  }

  /** Writes a profile; the key first (0600) so that a profile.json never points at a missing key. */
  async save(name: string, input: SaveProfileInput, overwrite = false): Promise<string> {
    if (keyFileKind(input.encryptedKeyPem) !== 'encrypted') throw new Error('the key must be encrypted');
    if (!overwrite && (await this.exists(name))) {
      throw new AgentError(
        AgentErrorCode.PROFILE_EXISTS,
        `プロファイル ${name} が既に存在します (profile exists): ${this.home}。置き換える場合は --force を指定してください`,
        ExitCode.InvalidInput,
      );
    }
    const dir = this.dir(name);
    await ensureDirectory(this.home, 0o700);
    await ensureDirectory(path.join(this.home, PROFILES_DIR), 0o700);
    await ensureDirectory(dir, 0o700);
    await this.writeKey(name, input.encryptedKeyPem);
    await writeFileAtomic(path.join(dir, CERTIFICATE_FILE), input.certificatePem, { overwrite: true });
    await writeFileAtomic(path.join(dir, TRUST_ANCHORS_FILE), input.trustAnchorsPem, { overwrite: true });
    await this.writeSettings(name, input.settings);
    return dir;
  }

  /**
   * Opens profile `name`; `passphrase` is asked only when the key is encrypted. A plain key (older versions)
   * still opens, with a warning to run `renkei profile rekey`.
   */
  async load(name: string, passphrase: (settings: ProfileSettings) => Promise<string>): Promise<Profile> {
    if (!(await this.exists(name))) await this.select(name);
    const dir = this.dir(name);
    let settings: ProfileSettings;
    let keyPem: string;
    let certificatePem: string;
    let certificate: Uint8Array;
    let trustAnchorsPem: string;
    try {
      settings = await this.readSettings(name);
      certificatePem = await fs.readFile(path.join(dir, CERTIFICATE_FILE), 'utf8');
      certificate = new Uint8Array(new X509Certificate(certificatePem).raw);
      keyPem = await fs.readFile(path.join(dir, KEY_FILE), 'utf8');
      if (keyFileKind(keyPem) === undefined) throw new Error('key.pem is not a PKCS#8 PEM key');
      trustAnchorsPem = await fs.readFile(path.join(dir, TRUST_ANCHORS_FILE), 'utf8');
      if (certificatesFromPem(trustAnchorsPem).length === 0) throw new Error('no trust anchor');
    } catch (error) {
      throw profileInvalid(dir, error);
    }
    const keyProtection = protectionOf(keyPem, settings);
    if (keyProtection === 'plain') {
      this.options.warn?.(
        `警告: プロファイル ${name} の秘密鍵は暗号化されていません。\`renkei profile rekey --profile ${name}\` で暗号化してください (the key is stored unencrypted)`,
      );
    }
    const privateKey = decryptPrivateKey(
      keyPem,
      keyProtection === 'plain' ? undefined : await passphrase(settings),
    );
    return { name, dir, settings, certificate, certificatePem, privateKey, trustAnchorsPem, keyProtection };
  }

  /** The key file as it is on disk (for rekey) and the settings. */
  async readKey(name: string): Promise<{ keyPem: string; settings: ProfileSettings }> {
    if (!(await this.exists(name))) await this.select(name);
    try {
      const keyPem = await fs.readFile(path.join(this.dir(name), KEY_FILE), 'utf8');
      return { keyPem, settings: await this.readSettings(name) };
    } catch (error) {
      throw profileInvalid(this.dir(name), error);
    }
  }

  /** Replaces the key (atomically, 0600), then the settings that say where its passphrase is. */
  async replaceKey(name: string, encryptedKeyPem: string, settings: ProfileSettings): Promise<void> {
    if (keyFileKind(encryptedKeyPem) !== 'encrypted') throw new Error('the key must be encrypted');
    await this.writeKey(name, encryptedKeyPem);
    await this.writeSettings(name, settings);
  }

  /** Deletes profile `name` and everything in its directory (its receipts too). */
  async remove(name: string): Promise<ProfileSummary> {
    const summary = (await this.list()).find((p) => p.name === name);
    if (!summary) {
      await this.select(name); // PROFILE_NOT_FOUND naming the others
      throw new Error('unreachable');
    }
    await fs.rm(summary.dir, { recursive: true, force: true });
    return summary;
  }

  async readSettings(name: string): Promise<ProfileSettings> {
    const dir = this.dir(name);
    try {
      return JSON.parse(await fs.readFile(path.join(dir, PROFILE_FILE), 'utf8')) as ProfileSettings;
    } catch (error) {
      throw profileInvalid(dir, error);
    }
  }

  private async writeKey(name: string, keyPem: string): Promise<void> {
    const file = path.join(this.dir(name), KEY_FILE);
    await writeFileAtomic(file, keyPem, { mode: 0o600, overwrite: true });
    await fs.chmod(file, 0o600);
  }

  private async writeSettings(name: string, settings: ProfileSettings): Promise<void> {
    await writeFileAtomic(path.join(this.dir(name), PROFILE_FILE), `${JSON.stringify(settings, null, 2)}\n`, {
      overwrite: true,
    });
  }

  /**
   * A home of an older version (profile.json at its root) becomes profiles/<事業所番号>/: every entry of the root
   * is renamed into profiles/.migrating-<番号>/, profile.json last, then that directory is renamed into place. A
   * run interrupted at any point is finished by the next one.
   */
  private async migrate(): Promise<void> {
    if (this.migrated) return;
    const profilesRoot = path.join(this.home, PROFILES_DIR);
    const legacyFile = path.join(this.home, PROFILE_FILE);
    const pending = (await fs.readdir(profilesRoot).catch(() => [] as string[])).filter((n) =>
      n.startsWith(MIGRATING_PREFIX),
    );
    let staging: string | undefined;
    let name: string | undefined;
    if (await exists(legacyFile)) {
      const legacy = JSON.parse(await fs.readFile(legacyFile, 'utf8')) as Partial<ProfileSettings>;
      name = checkProfileName(String(legacy.officeNumber ?? ''));
      staging = path.join(profilesRoot, `${MIGRATING_PREFIX}${name}`);
      if (await exists(path.join(profilesRoot, name))) {
        throw new AgentError(
          AgentErrorCode.PROFILE_INVALID,
          `旧形式のプロファイルを移せません: ${path.join(profilesRoot, name)} が既にあります (legacy profile conflicts)`,
          ExitCode.InvalidInput,
        );
      }
      await ensureDirectory(staging, 0o700);
      for (const entry of await fs.readdir(this.home)) {
        if (entry === PROFILES_DIR || entry === PROFILE_FILE) continue;
        await fs.rename(path.join(this.home, entry), path.join(staging, entry));
      }
      await fs.rename(legacyFile, path.join(staging, PROFILE_FILE));
    } else if (pending.length > 0) {
      staging = path.join(profilesRoot, pending[0]);
      name = pending[0].slice(MIGRATING_PREFIX.length);
      if (!(await exists(path.join(staging, PROFILE_FILE)))) {
        // interrupted before profile.json moved and then the root file vanished: leave it for a person
        this.migrated = true;
        return;
      }
    }
    if (staging !== undefined && name !== undefined) {
      await fs.rename(staging, path.join(profilesRoot, name));
      this.options.warn?.(
        `旧形式のプロファイルを ${path.join(profilesRoot, name)} に移しました (profile migrated to the multi-profile layout)`,
      );
    }
    this.migrated = true;
  }
}

function protectionOf(keyPem: string, settings: ProfileSettings): KeyProtection {
  if (keyFileKind(keyPem) === 'plain') return 'plain';
  return settings.keySecret ? 'os-secret' : 'passphrase';
}

function profileInvalid(dir: string, error: unknown): AgentError {
  // the reason only: never the file contents (the key)
  const reason = error instanceof Error ? error.message.split('\n')[0] : 'unreadable';
  return new AgentError(
    AgentErrorCode.PROFILE_INVALID,
    `プロファイルを読めません (profile invalid): ${dir} (${reason})`,
    ExitCode.InvalidInput,
  );
}
