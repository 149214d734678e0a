import { Ms932Codec } from '@renkei/careplan';
import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { Writable } from 'node:stream';
import { BillingError, BillingErrorCode } from '../ledger/billing.errors';
import type { BillingLedgerPort, DeductionView } from '../ledger/billing.ports';
import { sendDeductionsCsv } from './deductions-csv.writer';
import { cycleFixture, deductionFixture } from './fixtures/billing-views.fixture';

/** a response that takes 64 bytes at a time and drains on the next tick, so every batch meets backpressure */
class SlowResponse extends Writable {
  readonly headers: Record<string, string> = {};
  readonly chunks: Buffer[] = [];
  statusCode = 0;

  constructor() {
    super({ highWaterMark: 64 });
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    setImmediate(done);
  }
}

const office = (n: number): DeductionView =>
  deductionFixture({ officeNumber: `13100${String(n).padStart(5, '0')}`, officeName: `事業所〜${n}` });

function ledgerOf(batches: DeductionView[][], failAfter?: number): BillingLedgerPort {
  return {
    getCycle: jest.fn(async () => cycleFixture()),
    async *streamDeductions() {
      for (const [index, batch] of batches.entries()) {
        if (index === failAfter) throw new Error('connection lost');
        yield batch;
      }
    },
  } as unknown as BillingLedgerPort;
}

describe(sendDeductionsCsv.name, () => {
  it('streams every batch through the MS932 encoder, under backpressure', async () => {
    const response = new SlowResponse();
    const batches = [[office(1), office(2)], [office(3)], [office(4), office(5)]];

    await sendDeductionsCsv(ledgerOf(batches), '13', cycleFixture().cycleId, response as unknown as Response);
    await new Promise((resolve) => response.on('finish', resolve));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/csv; charset=Shift_JIS',
      'content-disposition': 'attachment; filename="deductions-13-202705.csv"',
    });
    const records = new Ms932Codec().decode(Buffer.concat(response.chunks));
    expect(records.map((record) => record.fields[2])).toEqual([
      '事業所名',
      '事業所～1',
      '事業所～2',
      '事業所～3',
      '事業所～4',
      '事業所～5',
    ]);
  });

  it('lets a refusal of the ledger through before anything is written', async () => {
    const ledger = {
      getCycle: jest.fn(async () => {
        throw new BillingError(BillingErrorCode.CYCLE_NOT_FOUND, 'no cycle');
      }),
    } as unknown as BillingLedgerPort;
    const response = new SlowResponse();

    await expect(
      sendDeductionsCsv(ledger, '27', 'id', response as unknown as Response),
    ).rejects.toMatchObject({
      code: BillingErrorCode.CYCLE_NOT_FOUND,
    });
    expect(response.chunks).toEqual([]);
    expect(response.statusCode).toBe(0);
  });

  it('breaks the answer off when the ledger fails midway, so no client takes a short file for whole', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const response = new SlowResponse();

    await sendDeductionsCsv(
      ledgerOf([[office(1)], [office(2)]], 1),
      '13',
      'id',
      response as unknown as Response,
    );

    expect(response.destroyed).toBe(true);
    expect(response.writableFinished).toBe(false);
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ rows: 1 }),
      'deductions CSV export failed midway',
    );
    logged.mockRestore();
  });
});
