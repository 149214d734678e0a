import { PassphraseContext, unlockPassphrase } from './passphrase';
import { DEFAULT_PLATFORM_URL, PlatformClient, resolveEndpoints } from './platform-client';
import { Profile, ProfileStore } from './profile.store';
import type { ProgressBarFactory } from './progress';

/** What every command gets from the CLI layer (or from a test): where the profiles are and how to reach the platform. */
export interface AgentContext extends PassphraseContext {
  /** the agent home: profiles/<name>/ (--home, $RENKEI_HOME, ~/.renkei-agent) */
  home: string;
  /** --profile, else $RENKEI_PROFILE: the profile to use (optional when the home has only one) */
  profile?: string;
  /** --platform, overriding the profile's URL */
  platformUrl?: string;
  env: NodeJS.ProcessEnv;
  /** injectable for tests */
  fetch?: typeof fetch;
  /** progress lines for people (stderr in the CLI; silent with --json) */
  progress: (message: string) => void;
  /** warnings for people (stderr in the CLI, with --json too); defaults to `progress` */
  warn?: (message: string) => void;
  /** progress bars for people (stderr when it is a terminal; none with --json or for library callers) */
  progressBar?: ProgressBarFactory;
}

export function createContext(overrides: Partial<AgentContext> & Pick<AgentContext, 'home'>): AgentContext {
  return { env: process.env, progress: () => undefined, ...overrides };
}

/** --platform, else the profile's URL, else the standalone default. */
export function platformUrlOf(ctx: AgentContext, profile?: Profile): string {
  return ctx.platformUrl ?? profile?.settings.platformUrl ?? DEFAULT_PLATFORM_URL;
}

export function profileStoreOf(ctx: AgentContext): ProfileStore {
  return new ProfileStore(ctx.home, { warn: ctx.warn ?? ctx.progress });
}

/** The selected profile with its key unlocked (passphrase sources: passphrase.ts). */
export async function openProfile(ctx: AgentContext): Promise<Profile> {
  const store = profileStoreOf(ctx);
  const name = await store.select(ctx.profile);
  return store.load(name, (settings) => unlockPassphrase(ctx, name, settings.keySecret));
}

export interface Session {
  profile: Profile;
  client: PlatformClient;
}

/** The office profile and a platform client authenticating with it. */
export async function openSession(ctx: AgentContext): Promise<Session> {
  const profile = await openProfile(ctx);
  const client = new PlatformClient(
    resolveEndpoints(platformUrlOf(ctx, profile), ctx.env),
    { certificate: profile.certificate, privateKey: profile.privateKey },
    { fetch: ctx.fetch },
  );
  return { profile, client };
}
