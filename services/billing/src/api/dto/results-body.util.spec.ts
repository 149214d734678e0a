import { Ms932Codec } from '@renkei/careplan';
import type { BodyRequest } from '@renkei/platform';
import { Readable } from 'node:stream';
import { BillingApiErrorCode } from '../billing-api.errors';
import { RESULTS_CSV_SHORT_HEADER } from '../csv/deductions-csv.util';
import { MAX_RESULTS_BYTES, readResults } from './results-body.util';

const D1 = '0b7e4f6a-1c2d-4e3f-8a9b-0c1d2e3f4a5b';

function request(contentType: string, chunks: Buffer[], extra: Record<string, unknown> = {}): BodyRequest {
  return Object.assign(
    Readable.from(chunks),
    { headers: { 'content-type': contentType } },
    extra,
  ) as BodyRequest;
}

describe(readResults.name, () => {
  it('reads an MS932 CSV body', async () => {
    const csv = new Ms932Codec().encode([
      [...RESULTS_CSV_SHORT_HEADER],
      [D1, '1310000001', '控除済', '', ''],
    ]);
    await expect(readResults(request('text/csv; charset=Shift_JIS', [csv]))).resolves.toEqual([
      { deductionId: D1, officeNumber: '1310000001', result: 'deducted', source: 'line 2' },
    ]);
  });

  it('takes JSON a parser already read', async () => {
    const body = { results: [{ deductionId: D1, officeNumber: '1310000001', result: 'deducted' }] };
    const parsed = request('application/json', [], { body });
    await new Promise((resolve) => parsed.on('end', resolve).resume());
    await expect(readResults(parsed)).resolves.toHaveLength(1);
  });

  it('refuses a CSV body over the cap', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    const chunks = Array.from({ length: MAX_RESULTS_BYTES / chunk.length + 1 }, () => chunk);
    await expect(readResults(request('text/csv', chunks))).rejects.toMatchObject({
      code: BillingApiErrorCode.DEDUCTION_RESULTS_TOO_LARGE,
    });
  });

  it('refuses other media types', async () => {
    await expect(readResults(request('text/plain', [Buffer.from('x')]))).rejects.toMatchObject({
      code: BillingApiErrorCode.DEDUCTION_RESULTS_MEDIA_TYPE,
    });
  });
});
