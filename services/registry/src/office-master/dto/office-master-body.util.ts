// The request body of PUT /v1/office-master/{prefecture}: JSON (parsed by the platform's JSON parser, or read
// here when it was not) or MS932 CSV (text/csv, read here: the global parsers take only JSON and forms), capped.
import { createHash } from 'node:crypto';
import { readBodyWithLimit, RequestBodyTooLargeError, type BodyRequest } from '@renkei/platform';
import { OfficeMasterError, OfficeMasterErrorCode, OfficeMasterProblemCode } from '../office-master.errors';
import { MAX_UPLOAD_BYTES } from '../office-master.types';
import { readCsvOffices, readJsonUpload } from './office-master-csv.util';
import { invalid, RawUpload } from './office-master-upload.dto';

export type UploadRequest = BodyRequest & { readonly rawBody?: Buffer };

export const JSON_MEDIA_TYPE = 'application/json';
export const CSV_MEDIA_TYPE = 'text/csv';

export interface ReadUpload {
  readonly mediaType: string;
  /** lower-case hex SHA-256 of the body bytes */
  readonly sha256: string;
  readonly raw: RawUpload;
}

const tooLarge = (): OfficeMasterError =>
  new OfficeMasterError(
    OfficeMasterErrorCode.OFFICE_MASTER_TOO_LARGE,
    `an upload is at most ${MAX_UPLOAD_BYTES} bytes`,
  );

/** the upload of `request` in either format; `asOf` is the query parameter CSV uploads carry it in */
export async function readUpload(request: UploadRequest, asOf: unknown): Promise<ReadUpload> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === CSV_MEDIA_TYPE) {
    const bytes = await readBody(request);
    return { mediaType, sha256: sha256Of(bytes), raw: { asOf, offices: readCsvOffices(bytes) } };
  }
  if (mediaType === JSON_MEDIA_TYPE) {
    const body = await jsonBodyOf(request);
    // the bytes as received when a parser kept them (OfficeMasterJsonParser does), else the parsed JSON
    const bytes = Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.from(JSON.stringify(body));
    return { mediaType, sha256: sha256Of(bytes), raw: readJsonUpload(body) };
  }
  throw new OfficeMasterError(
    OfficeMasterErrorCode.OFFICE_MASTER_MEDIA_TYPE_UNSUPPORTED,
    `send the office master as ${JSON_MEDIA_TYPE} or ${CSV_MEDIA_TYPE} (MS932)`,
  );
}

async function jsonBodyOf(request: UploadRequest): Promise<unknown> {
  if (request.body !== undefined && !Buffer.isBuffer(request.body) && request.readableEnded)
    return request.body;
  const text = (await readBody(request)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid([{ code: OfficeMasterProblemCode.BODY_MALFORMED, message: 'the body is not JSON' }]);
  }
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function readBody(request: UploadRequest): Promise<Buffer> {
  return readBodyWithLimit(request, MAX_UPLOAD_BYTES, { overflow: 'drain' }).catch((error: unknown) => {
    throw error instanceof RequestBodyTooLargeError ? tooLarge() : error;
  });
}
