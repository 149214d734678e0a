import { DEFAULT_PLATFORM_URL, PlatformClient, resolveEndpoints } from './platform-client';
import { Profile, ProfileStore } from './profile.store';

/** What every command gets from the CLI layer (or from a test): where the profile is and how to reach the platform. */
export interface AgentContext {
  /** office profile directory */
  home: string;
  /** --platform, overriding the profile's URL */
  platformUrl?: string;
  env: NodeJS.ProcessEnv;
  /** injectable for tests */
  fetch?: typeof fetch;
  /** progress lines for people (stderr in the CLI; silent with --json) */
  progress: (message: string) => void;
}

export function createContext(overrides: Partial<AgentContext> & Pick<AgentContext, 'home'>): AgentContext {
  return { env: process.env, progress: () => undefined, ...overrides };
}

/** --platform, else the profile's URL, else the standalone default. */
export function platformUrlOf(ctx: AgentContext, profile?: Profile): string {
  return ctx.platformUrl ?? profile?.settings.platformUrl ?? DEFAULT_PLATFORM_URL;
}

export interface Session {
  profile: Profile;
  client: PlatformClient;
}

/** The office profile and a platform client authenticating with it. */
export async function openSession(ctx: AgentContext): Promise<Session> {
  const profile = await new ProfileStore(ctx.home).load();
  const client = new PlatformClient(
    resolveEndpoints(platformUrlOf(ctx, profile), ctx.env),
    { certificate: profile.certificate, privateKey: profile.privateKey },
    { fetch: ctx.fetch },
  );
  return { profile, client };
}
