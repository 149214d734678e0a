// The office agent as end-to-end tests drive it: the `renkei` CLI run as a person or a script runs it (node + its
// bin, `--home` per office, `--json`), offices enrolled the way an office enrols (a .p12 from the platform's CA,
// `renkei init`, `renkei register`), and `renkei watch` as a long-running process.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DevCa, DevCredential } from '@renkei/pki';
import {
  exportPkcs12,
  issueOfficeCertificate,
  repoRoot,
  startProcess,
  type RunningProcess,
} from '@renkei/testing';

const run = promisify(execFile);

/** the agent's entry point, as installed */
export const AGENT_BIN = path.join(repoRoot, 'clients', 'agent', 'bin', 'renkei.js');
/** the .p12 password and the profile key passphrase every test office uses (from the environment, never a prompt) */
export const AGENT_P12_PASSWORD = 'e2e-p12-password';
export const AGENT_KEY_PASSPHRASE = 'e2e-key-passphrase';

export interface AgentParty {
  readonly officeNumber: string;
  readonly serviceType: string;
}

export interface AgentOffice {
  readonly party: AgentParty;
  /** the agent's --home */
  readonly home: string;
  /** the office's own folder (the .p12, and whatever the test puts there) */
  readonly dir: string;
  /** its certificate and key, for what a test does outside the agent (tokens, crafted envelopes) */
  readonly credential: DevCredential;
}

export interface AgentRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface AgentCliOptions {
  /** where the CLI runs (relative paths in arguments resolve here) */
  readonly cwd: string;
  /** RENKEI_<SERVICE>_URL of the platform; a function when the URLs change during the test (relays) */
  readonly platformEnv: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
  /** added to every run's environment */
  readonly env?: Readonly<Record<string, string>>;
}

/** The `renkei` CLI for a set of offices on one platform. */
export class AgentCli {
  constructor(private readonly options: AgentCliOptions) {}

  /** the environment a run gets: no inherited variables but PATH and HOME, the secrets from the environment */
  env(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
    const platformEnv =
      typeof this.options.platformEnv === 'function' ? this.options.platformEnv() : this.options.platformEnv;
    return {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      TZ: 'UTC',
      RENKEI_P12_PASSWORD: AGENT_P12_PASSWORD,
      RENKEI_KEY_PASSPHRASE: AGENT_KEY_PASSPHRASE,
      ...platformEnv,
      ...this.options.env,
      ...extra,
    };
  }

  /**
   * `renkei --home <home> --json <args>` (no --home for `office` undefined): the exit code and both streams,
   * whatever the outcome; `env` is added to this run's environment
   */
  async run(
    office: Pick<AgentOffice, 'home'> | undefined,
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): Promise<AgentRun> {
    const home = office ? ['--home', office.home] : [];
    try {
      const { stdout, stderr } = await run(process.execPath, [AGENT_BIN, ...home, '--json', ...args], {
        cwd: this.options.cwd,
        env: this.env(env),
        maxBuffer: 64 * 1024 * 1024,
      });
      return { exitCode: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number | string; stdout?: string; stderr?: string };
      return {
        exitCode: typeof failed.code === 'number' ? failed.code : -1,
        stdout: failed.stdout ?? '',
        stderr: failed.stderr ?? `${String(error)}`,
      };
    }
  }

  /** a run that must succeed: its JSON answer (stdout) */
  async json<T = Record<string, unknown>>(
    office: Pick<AgentOffice, 'home'> | undefined,
    args: readonly string[],
  ): Promise<T> {
    const { exitCode, stdout, stderr } = await this.run(office, args);
    if (exitCode !== 0) throw new Error(`renkei ${args.join(' ')} exited ${exitCode}:\n${stdout}\n${stderr}`);
    return JSON.parse(stdout) as T;
  }

  /**
   * An office enrolled as an office does it: a certificate from the platform's CA exported as .p12 (with the CA),
   * imported into the agent's profile (`renkei init`), and a 利用申請 (`renkei register`).
   */
  async enrol(
    devCa: DevCa,
    party: AgentParty,
    options: { keyType?: 'rsa' | 'ec'; register?: boolean } = {},
  ): Promise<AgentOffice> {
    const credential = issueOfficeCertificate(devCa, {
      officeNumber: party.officeNumber,
      serviceTypes: [party.serviceType],
      keyType: options.keyType ?? 'ec',
    });
    const dir = path.join(this.options.cwd, `office-${party.officeNumber}`);
    await mkdir(dir, { recursive: true });
    const p12 = path.join(dir, 'office.p12');
    await writeFile(p12, await exportPkcs12(credential, AGENT_P12_PASSWORD, { chain: [devCa.certificate] }));
    const office: AgentOffice = { party, home: path.join(dir, 'home'), dir, credential };
    await this.json(office, ['init', '--p12', p12]);
    if (options.register ?? true) await this.json(office, ['register']);
    return office;
  }

  /** a long-running agent command (`renkei watch`, `renkei api`), JSON logs on stderr */
  start(office: Pick<AgentOffice, 'home'>, args: readonly string[]): RunningProcess {
    return startProcess([AGENT_BIN, '--home', office.home, '--json', ...args], {
      cwd: this.options.cwd,
      env: this.env(),
    });
  }
}
