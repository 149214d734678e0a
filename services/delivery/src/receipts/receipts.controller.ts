import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal } from '@renkei/platform';
import type { Request, Response } from 'express';
import { parseEnvelopeId } from '../envelopes/dto/list-envelopes.dto';
import { DeliveryExceptionFilter } from '../envelopes/envelopes-exception.filter';
import { LicenceGate } from '../licences/licence.gate';
import { assertReceiptMediaType, readReceiptBody } from './receipt-body.util';
import { ReceiptsService, type RecordedReceipt } from './receipts.service';

/** The recipient's signed receipt of an envelope (docs/exchange.md "Receipts"). */
@Controller('v1/envelopes/:envelopeId')
@UseFilters(DeliveryExceptionFilter)
export class ReceiptsController {
  constructor(
    @Inject(ReceiptsService) private readonly receipts: ReceiptsService,
    @Inject(LicenceGate) private readonly licences: LicenceGate,
  ) {}

  /** 201 when recorded, 200 when the same receipt was recorded before; only with a live licence */
  @Post('receipt')
  async post(
    @Principal() principal: AuthPrincipal,
    @Param('envelopeId') envelopeId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordedReceipt> {
    await this.licences.assertLive(principal);
    const id = parseEnvelopeId(envelopeId);
    assertReceiptMediaType(request.headers['content-type']);
    const der = await readReceiptBody(request);
    const outcome = await this.receipts.record(principal, id, der);
    response.status(outcome.created ? 201 : 200);
    return outcome.receipt;
  }

  /** the recipient receipt's DER, to the sender or the recipient */
  @Get('receipts/recipient')
  async recipientReceipt(
    @Principal() principal: AuthPrincipal,
    @Param('envelopeId') envelopeId: string,
    @Res() response: Response,
  ): Promise<void> {
    const der = await this.receipts.receiptOf(principal, parseEnvelopeId(envelopeId));
    response.status(200).type('application/cms').setHeader('Content-Length', String(der.byteLength));
    response.end(der);
  }
}
