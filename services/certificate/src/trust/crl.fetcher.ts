// Outbound HTTP for CRLs, behind one small adapter (STYLE §7): http/https only, a timeout, a size limit.
import { Injectable } from '@nestjs/common';
import { TrustError, TrustErrorCode } from './trust.errors';

const MAX_CRL_BYTES = 10 * 1024 * 1024;
const CRL_FETCH_TIMEOUT_MS = 15_000;

@Injectable()
export class CrlFetcher {
  /** the body at `url` (DER or PEM, as served), or CRL_FETCH_FAILED saying why not */
  async fetch(url: string, timeoutMs = CRL_FETCH_TIMEOUT_MS, maxBytes = MAX_CRL_BYTES): Promise<Uint8Array> {
    const protocol = new URL(url).protocol;
    if (protocol !== 'http:' && protocol !== 'https:') throw failed(`${protocol} is not http or https`);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (error) {
      throw failed(error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable');
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw failed(`answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw failed(`declares ${declared} bytes, more than ${maxBytes}`);
    }
    return readLimited(response, maxBytes, timeoutMs);
  }
}

async function readLimited(response: Response, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (Date.now() > deadline) throw failed('timed out');
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw failed(`is larger than ${maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof TrustError) throw error;
    throw failed('the body could not be read');
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function failed(why: string): TrustError {
  return new TrustError(TrustErrorCode.CRL_FETCH_FAILED, `the CRL distribution point ${why}`);
}
