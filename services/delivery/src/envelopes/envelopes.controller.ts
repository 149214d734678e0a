import { Controller, Get, Inject, Param, Query, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal } from '@renkei/platform';
import { LicenceGate } from '../licences/licence.gate';
import { parseEnvelopeId, parseListInboxDto, parseListSentDto } from './dto/list-envelopes.dto';
import type { EnvelopeItem, EnvelopePage, InboxSincePage } from './envelope-item.mapper';
import { DeliveryExceptionFilter } from './envelopes-exception.filter';
import { EnvelopesService } from './envelopes.service';

/**
 * The token office's inbox, what it sent, and one envelope's status (docs/exchange.md), to an office with a live
 * licence.
 */
@Controller('v1')
@UseFilters(DeliveryExceptionFilter)
export class EnvelopesController {
  constructor(
    @Inject(EnvelopesService) private readonly envelopes: EnvelopesService,
    @Inject(LicenceGate) private readonly licences: LicenceGate,
  ) {}

  @Get('inbox')
  async inbox(
    @Principal() principal: AuthPrincipal,
    @Query() query: Record<string, unknown>,
  ): Promise<EnvelopePage | InboxSincePage> {
    await this.licences.assertLive(principal);
    return this.envelopes.inbox(principal, parseListInboxDto(query));
  }

  @Get('sent')
  async sent(
    @Principal() principal: AuthPrincipal,
    @Query() query: Record<string, unknown>,
  ): Promise<EnvelopePage> {
    await this.licences.assertLive(principal);
    return this.envelopes.sent(principal, parseListSentDto(query));
  }

  @Get('envelopes/:envelopeId')
  async envelope(
    @Principal() principal: AuthPrincipal,
    @Param('envelopeId') envelopeId: string,
  ): Promise<EnvelopeItem> {
    await this.licences.assertLive(principal);
    return this.envelopes.envelope(principal, parseEnvelopeId(envelopeId));
  }
}
