/** Stable codes of token verification; the guard maps each to an HTTP status (docs/auth.md). */
export enum AuthErrorCode {
  AUTH_TOKEN_MISSING = 'AUTH_TOKEN_MISSING',
  AUTH_TOKEN_MALFORMED = 'AUTH_TOKEN_MALFORMED',
  AUTH_TOKEN_INVALID = 'AUTH_TOKEN_INVALID',
  AUTH_TOKEN_EXPIRED = 'AUTH_TOKEN_EXPIRED',
  AUTH_TOKEN_NOT_YET_VALID = 'AUTH_TOKEN_NOT_YET_VALID',
  AUTH_KEY_UNKNOWN = 'AUTH_KEY_UNKNOWN',
  AUTH_KEY_SET_UNAVAILABLE = 'AUTH_KEY_SET_UNAVAILABLE',
  /** a valid token whose roles do not include one the route requires (`@Roles()`) */
  AUTH_ROLE_FORBIDDEN = 'AUTH_ROLE_FORBIDDEN',
}

/** The only error token verification throws; `code` is stable, the message is for operators. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuthError';
  }
}
