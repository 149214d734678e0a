import { Controller, Get, Headers, Inject, Query, Res, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal } from '@renkei/platform';
import type { Response } from 'express';
import { DeliveryExceptionFilter } from '../envelopes/envelopes-exception.filter';
import { LicenceGate } from '../licences/licence.gate';
import { parseEventsAfter } from './inbox-events.dto';
import { InboxEventsHub } from './inbox-events.hub';

/** The token office's inbox arrivals pushed as server-sent events (docs/exchange.md, Push (SSE)). */
@Controller('v1/inbox')
@UseFilters(DeliveryExceptionFilter)
export class InboxEventsController {
  constructor(
    @Inject(InboxEventsHub) private readonly hub: InboxEventsHub,
    @Inject(LicenceGate) private readonly licences: LicenceGate,
  ) {}

  /** the stream stays open after this returns (the replay is written); the hub ends it */
  @Get('events')
  async events(
    @Principal() principal: AuthPrincipal,
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    await this.licences.assertLive(principal);
    await this.hub.open(principal, parseEventsAfter(query, lastEventId), response);
  }
}
