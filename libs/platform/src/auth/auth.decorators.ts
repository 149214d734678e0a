import { createParamDecorator, CustomDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthPrincipal, PrincipalRole } from './token-claims';

export const IS_PUBLIC = 'renkei:auth:public';
export const REQUIRED_ROLES = 'renkei:auth:roles';
/** Where the guard leaves the verified principal on the request. */
export const PRINCIPAL_KEY = 'renkeiPrincipal';

/** Marks a handler or controller as reachable without a token (health, the challenge, the key set). */
export const Public = (): CustomDecorator<string> => SetMetadata(IS_PUBLIC, true);

/**
 * Restricts a handler or controller to principals holding at least one of `roles` (403 AUTH_ROLE_FORBIDDEN
 * otherwise). Without it, any authenticated principal passes the guard and the handler authorizes.
 */
export const Roles = (...roles: PrincipalRole[]): CustomDecorator<string> =>
  SetMetadata(REQUIRED_ROLES, roles);

/** The verified principal of the request (only on routes that are not `@Public()`). */
export const Principal = createParamDecorator((_data: unknown, context: ExecutionContext): AuthPrincipal => {
  const request = context.switchToHttp().getRequest<Record<string, unknown>>();
  const principal = request[PRINCIPAL_KEY] as AuthPrincipal | undefined;
  if (!principal) throw new Error('@Principal() used on a route without an authenticated principal');
  return principal;
});
