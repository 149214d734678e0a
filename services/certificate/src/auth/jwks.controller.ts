import { Controller, Get, Header, Inject } from '@nestjs/common';
import { JsonWebKeySet, Public } from '@renkei/platform';
import { TokenSigningKeysService } from './token-signing-keys.service';

/** The published token verification keys (RFC 7517), read by every service's TokenVerifier. */
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(TokenSigningKeysService) private readonly keys: TokenSigningKeysService) {}

  @Public()
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): Promise<JsonWebKeySet> {
    return this.keys.keySet();
  }
}
