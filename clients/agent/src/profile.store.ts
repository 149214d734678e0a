// An office profile on disk: profile.json (office number, service types, platform URL), certificate.pem, the
// trust anchors ca.pem, and key.pem (PKCS#8, 0600, not yet encrypted at rest: see README).
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { certificatesFromPem } from '@renkei/envelope';
import { AgentError, AgentErrorCode, ExitCode } from './agent.errors';
import { ensureDirectory, exists, writeFileAtomic } from './files.util';

export const PROFILE_FILE = 'profile.json';
export const CERTIFICATE_FILE = 'certificate.pem';
export const TRUST_ANCHORS_FILE = 'ca.pem';
export const KEY_FILE = 'key.pem';

export interface ProfileSettings {
  version: 1;
  officeNumber: string;
  serviceTypes: string[];
  platformUrl: string;
  /** hex SHA-256 of the certificate DER */
  certificateSha256: string;
  createdAt: string;
}

export interface Profile {
  home: string;
  settings: ProfileSettings;
  certificate: Uint8Array;
  certificatePem: string;
  privateKey: KeyObject;
  /** PEM bundle of the CA certificates this office trusts for received envelopes */
  trustAnchorsPem: string;
}

export interface SaveProfileInput {
  settings: ProfileSettings;
  certificatePem: string;
  privateKey: KeyObject;
  trustAnchorsPem: string;
}

/** $RENKEI_HOME, else ~/.renkei-agent. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.RENKEI_HOME || path.join(os.homedir(), '.renkei-agent');
}

export class ProfileStore {
  constructor(readonly home: string) {}

  exists(): Promise<boolean> {
    return exists(path.join(this.home, PROFILE_FILE));
  }

  /** Writes the profile; the key first (0600) so that a profile.json never points at a missing key. */
  async save(input: SaveProfileInput, overwrite = false): Promise<void> {
    if (!overwrite && (await this.exists())) {
      throw new AgentError(
        AgentErrorCode.PROFILE_EXISTS,
        `プロファイルが既に存在します (profile exists): ${this.home}。置き換える場合は --force を指定してください`,
        ExitCode.InvalidInput,
      );
    }
    await ensureDirectory(this.home, 0o700);
    const keyPem = input.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFileAtomic(this.file(KEY_FILE), keyPem, { mode: 0o600, overwrite: true });
    await fs.chmod(this.file(KEY_FILE), 0o600);
    await writeFileAtomic(this.file(CERTIFICATE_FILE), input.certificatePem, { overwrite: true });
    await writeFileAtomic(this.file(TRUST_ANCHORS_FILE), input.trustAnchorsPem, { overwrite: true });
    await writeFileAtomic(this.file(PROFILE_FILE), `${JSON.stringify(input.settings, null, 2)}\n`, {
      overwrite: true,
    });
  }

  async load(): Promise<Profile> {
    if (!(await this.exists())) {
      throw new AgentError(
        AgentErrorCode.PROFILE_NOT_FOUND,
        `プロファイルがありません (profile not found): ${this.home}。先に \`renkei init --p12 FILE\` を実行してください`,
        ExitCode.NotFound,
      );
    }
    try {
      const settings = JSON.parse(await this.read(PROFILE_FILE)) as ProfileSettings;
      const certificatePem = await this.read(CERTIFICATE_FILE);
      const certificate = new Uint8Array(new X509Certificate(certificatePem).raw);
      const privateKey = createPrivateKey(await this.read(KEY_FILE));
      const trustAnchorsPem = await this.read(TRUST_ANCHORS_FILE);
      if (certificatesFromPem(trustAnchorsPem).length === 0) throw new Error('no trust anchor');
      return { home: this.home, settings, certificate, certificatePem, privateKey, trustAnchorsPem };
    } catch (error) {
      // the reason only: never the file contents (the key)
      const reason = error instanceof Error ? error.message.split('\n')[0] : 'unreadable';
      throw new AgentError(
        AgentErrorCode.PROFILE_INVALID,
        `プロファイルを読めません (profile invalid): ${this.home} (${reason})`,
        ExitCode.InvalidInput,
      );
    }
  }

  private file(name: string): string {
    return path.join(this.home, name);
  }

  private read(name: string): Promise<string> {
    return fs.readFile(this.file(name), 'utf8');
  }
}
