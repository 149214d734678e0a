// POST /v1/licences/applications: the body is a CMS SignedData (application/cms) over the canonical JSON
// {type:'licence-application', officeNumber, serviceTypes, autoRenew, appliedAt}, signed with the office
// certificate. Read here with a cap (Nest's parsers take only JSON and forms); checked in LicencesService.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { LicencesError, LicencesErrorCode } from '../licences.errors';

/** a signed application is a few KiB (the certificate included) */
export const MAX_APPLICATION_BYTES = 64 * 1024;
const MEDIA_TYPES: readonly string[] = ['application/cms', 'application/octet-stream'];
const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const SERVICE_TYPE = /^[0-9A-Z]{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const KEYS = ['appliedAt', 'autoRenew', 'officeNumber', 'serviceTypes', 'type'];

/** the signed document of a 利用申請 */
export interface LicenceApplication {
  readonly type: 'licence-application';
  readonly officeNumber: string;
  readonly serviceTypes: string[];
  readonly autoRenew: boolean;
  readonly appliedAt: string;
}

export type ApplicationRequest = Readable & {
  readonly headers: IncomingHttpHeaders;
  readonly body?: unknown;
};

/** The DER of the signed application, at most MAX_APPLICATION_BYTES, sent as application/cms. */
export async function readApplicationBody(request: ApplicationRequest): Promise<Buffer> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!MEDIA_TYPES.includes(mediaType)) {
    throw new LicencesError(
      LicencesErrorCode.LICENCE_APPLICATION_MEDIA_TYPE,
      'send the signed application as application/cms',
    );
  }
  const tooLarge = new LicencesError(
    LicencesErrorCode.LICENCE_APPLICATION_TOO_LARGE,
    `the signed application is larger than ${MAX_APPLICATION_BYTES} bytes`,
  );
  if (Number(request.headers['content-length']) > MAX_APPLICATION_BYTES) throw tooLarge;
  if (Buffer.isBuffer(request.body)) {
    if (request.body.length > MAX_APPLICATION_BYTES) throw tooLarge;
    return request.body;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    // stop reading at the cap instead of buffering the rest
    if (size > MAX_APPLICATION_BYTES) throw tooLarge;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The signed document as a licence application; LICENCE_APPLICATION_INVALID listing every problem otherwise. */
export function parseLicenceApplication(value: unknown): LicenceApplication {
  const problems: { field: string; problem: string }[] = [];
  const input = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  if (!input) {
    throw new LicencesError(
      LicencesErrorCode.LICENCE_APPLICATION_INVALID,
      'the application is not an object',
    );
  }
  const record = input as Record<string, unknown>;
  const extra = Object.keys(record).filter((key) => !KEYS.includes(key));
  if (extra.length > 0) problems.push({ field: extra.join(','), problem: 'unknown field' });
  if (record['type'] !== 'licence-application') {
    problems.push({ field: 'type', problem: 'must be "licence-application"' });
  }
  const officeNumber = record['officeNumber'];
  if (typeof officeNumber !== 'string' || !OFFICE_NUMBER.test(officeNumber)) {
    problems.push({ field: 'officeNumber', problem: 'must be 10 × [0-9A-Z]' });
  }
  const serviceTypes = record['serviceTypes'];
  if (
    !Array.isArray(serviceTypes) ||
    serviceTypes.length === 0 ||
    serviceTypes.length > 50 ||
    !serviceTypes.every((code) => typeof code === 'string' && SERVICE_TYPE.test(code)) ||
    new Set(serviceTypes).size !== serviceTypes.length
  ) {
    problems.push({
      field: 'serviceTypes',
      problem: 'must be 1 to 50 distinct サービス種類コード (2 × [0-9A-Z])',
    });
  }
  if (typeof record['autoRenew'] !== 'boolean')
    problems.push({ field: 'autoRenew', problem: 'must be a boolean' });
  const appliedAt = record['appliedAt'];
  if (typeof appliedAt !== 'string' || !ISO_INSTANT.test(appliedAt) || Number.isNaN(Date.parse(appliedAt))) {
    problems.push({ field: 'appliedAt', problem: 'must be an ISO 8601 UTC instant' });
  }
  if (problems.length > 0) {
    throw new LicencesError(
      LicencesErrorCode.LICENCE_APPLICATION_INVALID,
      'the licence application is invalid',
      problems,
    );
  }
  return record as unknown as LicenceApplication;
}
