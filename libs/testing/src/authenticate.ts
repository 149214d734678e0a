// A platform token for a dev office credential, the way an agent gets one: challenge → CMS-signed nonce → token.
import { signChallenge } from '@renkei/envelope';
import type { DevCredential } from '@renkei/pki';

export async function authenticate(certificateUrl: string, office: DevCredential): Promise<string> {
  const challenge = await fetch(`${certificateUrl}/v1/auth/challenges`, { method: 'POST' });
  if (challenge.status !== 201)
    throw new Error(`challenge refused: ${challenge.status} ${await challenge.text()}`);
  const { challengeId, nonce } = (await challenge.json()) as { challengeId: string; nonce: string };
  const signedData = Buffer.from(
    signChallenge(nonce, { certificate: office.certificate, privateKey: office.privateKey }),
  ).toString('base64');
  const token = await fetch(`${certificateUrl}/v1/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ challengeId, signedData }),
  });
  if (token.status !== 200) throw new Error(`token refused: ${token.status} ${await token.text()}`);
  return ((await token.json()) as { token: string }).token;
}
