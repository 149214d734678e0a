/** `iss` of every token the certificate service issues. */
export const TOKEN_ISSUER = 'renkei-certificate';
/** `aud` of every token: the platform's services. */
export const TOKEN_AUDIENCE = 'renkei';
/** The only accepted JWS algorithm. */
export const TOKEN_ALGORITHM = 'ES256';
/** Tolerated clock difference when checking exp, nbf and iat. */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;

/** The payload of a platform token (a JWT signed ES256 by the certificate service). Times are seconds. */
export interface TokenClaims {
  /** 事業所番号 of the office the token names */
  readonly sub: string;
  /** サービス種類コード read from the office certificate */
  readonly serviceTypes: readonly string[];
  /** `office`, `kokuhoren` or `operator`, as the certificate's trust-anchor profile allows (docs/trust.md) */
  readonly roles: readonly string[];
  /** a 国保連's prefecture code (two digits), from its certificate profile; absent for other principals */
  readonly prefecture?: string;
  readonly iss: string;
  readonly aud: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  /** unique token id */
  readonly jti: string;
  /**
   * Confirmation (RFC 8705 §3.1): base64url SHA-256 of the DER office certificate that signed the challenge,
   * so a service can bind a certificate the office presents (e.g. to the directory) to the authenticated one.
   */
  readonly cnf: { readonly 'x5t#S256': string };
}

/** The principal roles a token can carry. */
export const PrincipalRoles = ['office', 'kokuhoren', 'operator'] as const;
export type PrincipalRole = (typeof PrincipalRoles)[number];

/** What a protected handler receives through `@Principal()`. */
export interface AuthPrincipal {
  readonly officeNumber: string;
  readonly serviceTypes: readonly string[];
  readonly roles: readonly string[];
  /** a 国保連's prefecture code; undefined for offices and operators */
  readonly prefecture?: string;
  readonly tokenId: string;
  readonly expiresAt: Date;
  /** lower-case hex SHA-256 of the DER certificate the token was issued for (from `cnf.x5t#S256`) */
  readonly certificateSha256: string;
}

export function principalOf(claims: TokenClaims): AuthPrincipal {
  return {
    officeNumber: claims.sub,
    serviceTypes: [...claims.serviceTypes],
    roles: [...claims.roles],
    ...(claims.prefecture === undefined ? {} : { prefecture: claims.prefecture }),
    tokenId: claims.jti,
    expiresAt: new Date(claims.exp * 1000),
    certificateSha256: Buffer.from(claims.cnf['x5t#S256'], 'base64url').toString('hex'),
  };
}
