// POST /v1/envelopes against intake's trust read model on the real PostgreSQL, Kafka and MinIO: the trust
// configuration and revocations arrive as the certificate service publishes them (fixtures of
// @renkei/platform/testing on the bus), and every refusal leaves nothing stored.
import type { Party, SealedEnvelope } from '@renkei/envelope';
import { certificateRevokedMessage, trustChangedMessage } from '@renkei/platform/testing';
import { createDevCa, expectEventually, issueOfficeCertificate } from '@renkei/testing';
import { randomUUID } from 'node:crypto';
import { objectKeyOf } from './envelopes.service';
import { IntakeHarness, sealUnit, type SealOptions } from './fixtures/intake.harness';

const A: Party = { officeNumber: '1310000001', serviceType: '43' };
const B: Party = { officeNumber: '1320000002', serviceType: '11' };
const DAY_MS = 24 * 60 * 60 * 1000;
const SOON = { timeoutMs: 30_000 };

const ca = createDevCa();
const retiredCa = createDevCa();
const ANCHOR = randomUUID();
const RETIRED_ANCHOR = randomUUID();
const officeA = issueOfficeCertificate(ca, {
  officeNumber: A.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
});
const officeB = issueOfficeCertificate(ca, {
  officeNumber: B.officeNumber,
  serviceTypes: ['11'],
  keyType: 'rsa',
});
const revokedA = issueOfficeCertificate(ca, {
  officeNumber: A.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
});
const secondA = issueOfficeCertificate(ca, {
  officeNumber: A.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
});
const underRetiredA = issueOfficeCertificate(retiredCa, {
  officeNumber: A.officeNumber,
  serviceTypes: ['43'],
  keyType: 'ec',
});

describe('POST /v1/envelopes against the trust read model', () => {
  // TRUST_ANCHORS_PEM names the retired CA: once the certificate service published a configuration, it no
  // longer counts
  const harness = new IntakeHarness({ objectStore: 'minio', trustAnchorsPem: retiredCa.certificatePem });

  const tokenOf = (credential: typeof officeA): string =>
    harness.tokenFor(credential, A.officeNumber, ['43']);
  const sealAtoB = (overrides: Partial<SealOptions> = {}): Promise<SealedEnvelope> =>
    sealUnit({ signer: officeA, recipientCertificate: officeB, sender: A, recipient: B, ...overrides });

  async function counts(): Promise<{ envelopes: number; outbox: number }> {
    const [row] = await harness.query<{ envelopes: number; outbox: number }>(
      `select (select count(*)::int from intake.envelope) as envelopes,
              (select count(*)::int from intake.outbox_event) as outbox`,
    );
    return row;
  }

  /** sends `sealed` and checks the refusal left no row, no outbox event and no object behind */
  async function expectRefused(
    sealed: SealedEnvelope,
    token: string,
    expected: { status: number; code: string },
  ): Promise<Record<string, unknown>> {
    const before = await counts();
    const answer = await harness.post(sealed.der, token);
    expect(answer).toMatchObject({ status: expected.status, body: { code: expected.code } });
    expect(await counts()).toEqual(before);
    expect(await harness.objects.stat(objectKeyOf(sealed.manifest.envelopeId, new Date()))).toBeNull();
    return answer.body;
  }

  beforeAll(async () => {
    await harness.start();
    await harness.publishOffice({ party: A });
    await harness.publishOffice({ party: B });
    await harness.waitForOffices(2);
    await harness.publishLicence({ officeNumber: A.officeNumber });
    await harness.publishLicence({ officeNumber: B.officeNumber });
    await harness.waitForLicences(2);
    await harness.publishTrust(
      trustChangedMessage(1, [
        { anchorId: ANCHOR, certificateDer: ca.certificate },
        { anchorId: RETIRED_ANCHOR, certificateDer: retiredCa.certificate, active: false },
      ]),
    );
    await harness.publishTrust(certificateRevokedMessage(revokedA.certificate, { anchorId: ANCHOR }));
    await harness.waitForTrust(1, 1);
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('accepts an envelope signed with the certificate the token was issued for, under an active anchor', async () => {
    const sealed = await sealAtoB();

    const answer = await harness.post(sealed.der, tokenOf(officeA));

    expect(answer).toMatchObject({ status: 202, body: { envelopeId: sealed.manifest.envelopeId } });
  });

  it('refuses a revoked signer with 422 CERTIFICATE_REVOKED', async () => {
    const sealed = await sealAtoB({ signer: revokedA });

    await expectRefused(sealed, tokenOf(revokedA), { status: 422, code: 'CERTIFICATE_REVOKED' });
  });

  it('refuses a signer that chains only to a retired anchor with CERTIFICATE_UNTRUSTED', async () => {
    const sealed = await sealAtoB({ signer: underRetiredA });

    await expectRefused(sealed, tokenOf(underRetiredA), { status: 422, code: 'CERTIFICATE_UNTRUSTED' });
  });

  it('refuses a token issued for another certificate of the same office with 403 SENDER_MISMATCH', async () => {
    const sealed = await sealAtoB({ signer: secondA });

    const body = await expectRefused(sealed, tokenOf(officeA), { status: 403, code: 'SENDER_MISMATCH' });

    expect(body['message']).toMatch(/token was issued for another certificate/);
  });

  it('refuses a manifest createdAt beyond the clock skew in the future with SIGNING_TIME_INVALID', async () => {
    const sealed = await sealAtoB({ createdAt: new Date(Date.now() + 5 * 60 * 1000) });

    await expectRefused(sealed, tokenOf(officeA), { status: 422, code: 'SIGNING_TIME_INVALID' });
  });

  it('refuses a signing time before the signer certificate was valid with CERTIFICATE_NOT_YET_VALID', async () => {
    const sealed = await sealAtoB({ createdAt: new Date(Date.now() - 2 * DAY_MS) });

    await expectRefused(sealed, tokenOf(officeA), { status: 422, code: 'CERTIFICATE_NOT_YET_VALID' });
  });

  it('refuses a certificate revoked after it was accepted once, on the next envelope', async () => {
    const later = issueOfficeCertificate(ca, {
      officeNumber: A.officeNumber,
      serviceTypes: ['43'],
      keyType: 'ec',
    });
    const first = await sealAtoB({ signer: later });
    expect((await harness.post(first.der, tokenOf(later))).status).toBe(202);

    await harness.publishTrust(certificateRevokedMessage(later.certificate, { anchorId: ANCHOR }));
    await expectEventually(() => expect(harness.trust.policy.snapshot.revocations.size).toBe(2), SOON);

    await expectRefused(await sealAtoB({ signer: later }), tokenOf(later), {
      status: 422,
      code: 'CERTIFICATE_REVOKED',
    });
  });
});
