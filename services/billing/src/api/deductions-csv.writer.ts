// GET …/cycles/{cycleId}/deductions.csv: the cycle's deductions as MS932 CSV, streamed batch by batch from the
// ledger with backpressure. The cycle is looked up first, so an unknown one is a JSON 404, not a broken CSV.
import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { BillingLedgerPort, PrefectureScope } from '../ledger/billing.ports';
import {
  DEDUCTIONS_CSV_MEDIA_TYPE,
  deductionsCsvFileName,
  deductionsCsvHeader,
  deductionsCsvRows,
} from './csv/deductions-csv.util';

const logger = new Logger('DeductionsCsvWriter');

export async function sendDeductionsCsv(
  ledger: BillingLedgerPort,
  scope: PrefectureScope,
  cycleId: string,
  response: Response,
): Promise<void> {
  const cycle = await ledger.getCycle(scope, cycleId);
  const batches = ledger.streamDeductions(scope, cycleId)[Symbol.asyncIterator]();
  // the first batch before the headers: a refusal of the ledger can still be a JSON answer
  let next = await batches.next();
  response.status(200);
  response.setHeader('content-type', DEDUCTIONS_CSV_MEDIA_TYPE);
  response.setHeader(
    'content-disposition',
    `attachment; filename="${deductionsCsvFileName(cycle.prefecture, cycle.month)}"`,
  );
  response.setHeader('cache-control', 'no-store');
  let rows = 0;
  try {
    if (!(await write(response, deductionsCsvHeader()))) return;
    while (!next.done) {
      rows += next.value.length;
      if (next.value.length > 0 && !(await write(response, deductionsCsvRows(next.value)))) return;
      next = await batches.next();
    }
    response.end();
  } catch (error) {
    logger.error({ err: error, cycleId, rows }, 'deductions CSV export failed midway');
    response.destroy();
  } finally {
    // a client that went away stops the ledger's cursor
    if (!next.done) await batches.return?.();
  }
}

/** writes with backpressure; false when the client went away */
async function write(response: Response, chunk: Buffer): Promise<boolean> {
  if (response.destroyed) return false;
  if (response.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const settle = (open: boolean) => () => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(open);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}
