// Global guard (APP_GUARD): every HTTP route needs `Authorization: Bearer <token>` unless it is `@Public()`.
import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { IS_PUBLIC, PRINCIPAL_KEY, REQUIRED_ROLES } from './auth.decorators';
import { AuthError, AuthErrorCode } from './auth.errors';
import { principalOf } from './token-claims';
import { TokenVerifier } from './token-verifier';

const BEARER = /^Bearer +([A-Za-z0-9._-]+)$/i;

export function statusOf(code: AuthErrorCode): HttpStatus {
  switch (code) {
    case AuthErrorCode.AUTH_TOKEN_MISSING:
    case AuthErrorCode.AUTH_TOKEN_MALFORMED:
    case AuthErrorCode.AUTH_TOKEN_INVALID:
    case AuthErrorCode.AUTH_TOKEN_EXPIRED:
    case AuthErrorCode.AUTH_TOKEN_NOT_YET_VALID:
    case AuthErrorCode.AUTH_KEY_UNKNOWN:
      return HttpStatus.UNAUTHORIZED;
    case AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case AuthErrorCode.AUTH_ROLE_FORBIDDEN:
      return HttpStatus.FORBIDDEN;
    default: {
      const unknown: never = code;
      throw new Error(`unmapped auth error code ${String(unknown)}`);
    }
  }
}

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & Record<string, unknown>>();
    try {
      const header = request.headers.authorization;
      if (!header) {
        throw new AuthError(
          AuthErrorCode.AUTH_TOKEN_MISSING,
          'this route needs Authorization: Bearer <token>',
        );
      }
      const match = BEARER.exec(header);
      if (!match)
        throw new AuthError(AuthErrorCode.AUTH_TOKEN_MALFORMED, 'Authorization is not a Bearer token');
      const principal = principalOf(await this.verifier.verify(match[1]));
      const roles = this.reflector.getAllAndOverride<readonly string[] | undefined>(REQUIRED_ROLES, [
        context.getHandler(),
        context.getClass(),
      ]);
      if (roles && !roles.some((role) => principal.roles.includes(role))) {
        throw new AuthError(
          AuthErrorCode.AUTH_ROLE_FORBIDDEN,
          `this route is for the role ${roles.join(' or ')}`,
        );
      }
      request[PRINCIPAL_KEY] = principal;
      return true;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const status = statusOf(error.code);
      if (status === HttpStatus.UNAUTHORIZED) {
        http
          .getResponse<Response>()
          .setHeader('WWW-Authenticate', 'Bearer realm="renkei", error="invalid_token"');
        this.logger.debug({ code: error.code }, 'token refused');
      } else if (status === HttpStatus.FORBIDDEN) {
        this.logger.debug({ code: error.code }, 'role refused');
      } else {
        this.logger.warn({ code: error.code, err: error }, 'tokens cannot be verified');
      }
      throw new HttpException({ code: error.code, message: error.message }, status);
    }
  }
}
