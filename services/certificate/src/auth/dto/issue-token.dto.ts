import { CertificateAuthError, CertificateAuthErrorCode } from '../auth.errors';

export interface IssueTokenDto {
  readonly challengeId: string;
  /** DER of the CMS SignedData over the nonce */
  readonly signedChallenge: Uint8Array;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_SIGNED_DATA_BASE64 = 90000;

/** `{ challengeId, signedData }` with signedData the base64 DER; every field problem is listed at once. */
export function parseIssueTokenDto(body: unknown): IssueTokenDto {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const problems: { field: string; problem: string }[] = [];
  const { challengeId, signedData } = input;
  if (typeof challengeId !== 'string' || !UUID.test(challengeId)) {
    problems.push({ field: 'challengeId', problem: 'must be the challengeId (a UUID) of a challenge' });
  }
  if (
    typeof signedData !== 'string' ||
    signedData.length > MAX_SIGNED_DATA_BASE64 ||
    !BASE64.test(signedData)
  ) {
    problems.push({
      field: 'signedData',
      problem: 'must be the base64 DER of a CMS SignedData (at most 64 KiB)',
    });
  }
  if (problems.length > 0) {
    throw new CertificateAuthError(
      CertificateAuthErrorCode.REQUEST_INVALID,
      'the token request is invalid',
      problems,
    );
  }
  return {
    challengeId: (challengeId as string).toLowerCase(),
    signedChallenge: new Uint8Array(Buffer.from(signedData as string, 'base64')),
  };
}
