// `renkei status` without an envelope id: the office's own status. The certificate's expiry comes from the
// profile's certificate, so it answers offline; the platform's view (GET /v1/offices/me) is added when the
// platform answers, and when it does not the reason is reported instead of failing the command. The local state of
// `renkei watch` (watch-status.ts) comes from the profile's queue directory, also offline.
import { AgentContext, openSession, platformUrlOf } from '../agent.context';
import { AgentError, AgentErrorCode } from '../agent.errors';
import { certificateExpiryOf, LocalCertificateExpiry } from '../certificate-expiry.util';
import type { OwnOffice } from '../platform-client';
import { watchQueueDir } from './watch.command';
import { watchStatus, WatchStatus } from './watch-status';

export interface OfficeStatusOptions {
  /** do not ask the platform */
  offline?: boolean;
  /** injectable for tests */
  now?: Date;
}

export type PlatformView =
  | { state: 'ok'; office: OwnOffice; sameCertificate: boolean }
  | { state: 'offline' }
  /** not reachable (PLATFORM_UNREACHABLE), or it refused (e.g. OFFICE_NOT_FOUND, an expired certificate) */
  | { state: 'unreachable' | 'refused'; error: { code: string; message: string } };

export interface OfficeStatusResult {
  officeNumber: string;
  serviceTypes: string[];
  /** the profile's name and directory */
  profile: string;
  home: string;
  platformUrl: string;
  certificate: LocalCertificateExpiry & { sha256: string };
  platform: PlatformView;
  /** the profile's `renkei watch` queue; its `attention` is what monitoring looks at (the exit code stays 0) */
  watch: WatchStatus;
}

export async function officeStatus(
  ctx: AgentContext,
  options: OfficeStatusOptions = {},
): Promise<OfficeStatusResult> {
  const { profile, client } = await openSession(ctx);
  const now = options.now ?? new Date();
  const local = certificateExpiryOf(profile.certificatePem, now);
  return {
    officeNumber: profile.settings.officeNumber,
    serviceTypes: profile.settings.serviceTypes,
    profile: profile.name,
    home: profile.dir,
    platformUrl: platformUrlOf(ctx, profile),
    certificate: { ...local, sha256: profile.settings.certificateSha256 },
    platform: options.offline
      ? { state: 'offline' }
      : await platformView(() => client.getOwnOffice(), profile.settings.certificateSha256),
    // the queue directory as watch.command.ts derives it
    watch: await watchStatus(watchQueueDir(profile.dir), now),
  };
}

async function platformView(ask: () => Promise<OwnOffice>, localSha256: string): Promise<PlatformView> {
  try {
    const office = await ask();
    return { state: 'ok', office, sameCertificate: office.certificateSha256 === localSha256 };
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    const state = error.code === AgentErrorCode.PLATFORM_UNREACHABLE ? 'unreachable' : 'refused';
    return { state, error: { code: error.code, message: error.message } };
  }
}
