import { Controller, Get, Inject, Param, Query, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal } from '@renkei/platform';
import { parseEnvelopeId, parseListInboxDto, parseListSentDto } from './dto/list-envelopes.dto';
import type { EnvelopeItem, EnvelopePage } from './envelope-item.mapper';
import { DeliveryExceptionFilter } from './envelopes-exception.filter';
import { EnvelopesService } from './envelopes.service';

/** The token office's inbox, what it sent, and one envelope's status (docs/exchange.md). */
@Controller('v1')
@UseFilters(DeliveryExceptionFilter)
export class EnvelopesController {
  constructor(@Inject(EnvelopesService) private readonly envelopes: EnvelopesService) {}

  @Get('inbox')
  inbox(
    @Principal() principal: AuthPrincipal,
    @Query() query: Record<string, unknown>,
  ): Promise<EnvelopePage> {
    return this.envelopes.inbox(principal, parseListInboxDto(query));
  }

  @Get('sent')
  sent(
    @Principal() principal: AuthPrincipal,
    @Query() query: Record<string, unknown>,
  ): Promise<EnvelopePage> {
    return this.envelopes.sent(principal, parseListSentDto(query));
  }

  @Get('envelopes/:envelopeId')
  envelope(
    @Principal() principal: AuthPrincipal,
    @Param('envelopeId') envelopeId: string,
  ): Promise<EnvelopeItem> {
    return this.envelopes.envelope(principal, parseEnvelopeId(envelopeId));
  }
}
