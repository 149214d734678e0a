import { Body, Controller, Get, HttpCode, Inject, Post, UseFilters } from '@nestjs/common';
import { AuthPrincipal, Principal, Public } from '@renkei/platform';
import { CertificateAuthExceptionFilter } from './auth-exception.filter';
import { AuthService, IssuedChallenge, IssuedToken } from './auth.service';
import { parseIssueTokenDto } from './dto/issue-token.dto';

@Controller('v1/auth')
@UseFilters(CertificateAuthExceptionFilter)
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  /** a fresh nonce to sign; no token needed (this is how one gets a token) */
  @Public()
  @Post('challenges')
  @HttpCode(201)
  createChallenge(): Promise<IssuedChallenge> {
    return this.auth.createChallenge();
  }

  /** the challenge signed by an office certificate, exchanged for a token */
  @Public()
  @Post('tokens')
  @HttpCode(200)
  issueToken(@Body() body: unknown): Promise<IssuedToken> {
    const dto = parseIssueTokenDto(body);
    return this.auth.issueToken(dto.challengeId, dto.signedChallenge);
  }

  /** who the presented token names (lets an agent check its token) */
  @Get('session')
  session(@Principal() principal: AuthPrincipal): AuthPrincipal {
    return principal;
  }
}
