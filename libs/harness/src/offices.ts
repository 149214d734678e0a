// Offices as e2e tests and benches enrol them, through registry's real API: the certificate published in the
// directory (PUT /v1/offices/me) and the licence applied for with a signed 利用申請 (POST
// /v1/licences/applications), which registry approves at once. Intake and delivery learn both from registry's
// events (their read models), a few ms (standalone) to ~100 ms+ (cluster) later: waitUntilLicensed waits for
// that on the platform's database, bounded.
import { readOfficeIdentity, signJson } from '@renkei/envelope';
import type { DevCredential } from '@renkei/pki';
import { authenticate } from '@renkei/testing';
import { Client } from 'pg';
import type { PlatformUnderTest } from './platform-under-test';

/** the licence as registry answers an application (docs/licences.md) */
export interface AppliedLicence {
  readonly officeNumber: string;
  readonly state: string;
  readonly serviceTypes: readonly string[];
  readonly termEnd: string | null;
  readonly autoRenew: boolean;
}

/** PUT /v1/offices/me: publishes the certificate the token was issued for in the directory */
export async function publishOffice(
  registryUrl: string,
  token: string,
  credential: DevCredential,
): Promise<void> {
  const response = await fetch(`${registryUrl}/v1/offices/me`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ certificatePem: credential.certificatePem }),
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`registration refused: ${response.status} ${await response.text()}`);
  }
}

/**
 * 利用申請 for the office of `credential` (already in the directory), signed with its certificate and key, for
 * all of the certificate's service types unless told; auto-renewal on unless told. 201 or 200 (the same
 * application again) answer the licence.
 */
export async function licenceOffice(
  registryUrl: string,
  token: string,
  credential: DevCredential,
  options: { serviceTypes?: readonly string[]; autoRenew?: boolean } = {},
): Promise<AppliedLicence> {
  const identity = readOfficeIdentity(credential.certificate);
  if (!identity.officeNumber) throw new Error('the certificate names no office');
  const appliedAt = new Date();
  const application = {
    type: 'licence-application',
    officeNumber: identity.officeNumber,
    serviceTypes: [...(options.serviceTypes ?? identity.serviceTypes)],
    autoRenew: options.autoRenew ?? true,
    appliedAt: appliedAt.toISOString(),
  };
  const der = signJson(
    application,
    { certificate: credential.certificate, privateKey: credential.privateKey },
    appliedAt,
  );
  const response = await fetch(`${registryUrl}/v1/licences/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cms' },
    body: der,
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`licence application refused: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as AppliedLicence;
}

/** authenticates as the office of `credential`, publishes its certificate and applies for its licence */
export async function enrolOffice(
  platform: Pick<PlatformUnderTest, 'urls'>,
  credential: DevCredential,
): Promise<{ token: string; licence: AppliedLicence }> {
  const token = await authenticate(platform.urls.certificate, credential);
  await publishOffice(platform.urls.registry, token, credential);
  return { token, licence: await licenceOffice(platform.urls.registry, token, credential) };
}

/**
 * Waits until intake's and delivery's read models hold an active licence for every office (at most
 * `timeoutMs`, default 60 s, polling every 100 ms), so a send right after enrolment is not refused for a
 * licence registry has approved but the pipeline has not delivered yet.
 */
export async function waitUntilLicensed(
  platform: Pick<PlatformUnderTest, 'databaseUrl'>,
  officeNumbers: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const client = new Client({ connectionString: platform.databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `select (select count(*) from intake.known_licence where office_number = any($1) and state = 'active')
              + (select count(*) from delivery.known_licence where office_number = any($1) and state = 'active')
              as n`,
        [officeNumbers],
      );
      if (Number(rows[0].n) === officeNumbers.length * 2) return;
      if (Date.now() > deadline) {
        throw new Error(`intake and delivery did not learn the licences of ${officeNumbers.join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}
