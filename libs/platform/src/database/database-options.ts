// Where the database is and how many connections a service may hold. The platform module provides it from
// configuration; ServiceRuntimeModule builds each service's DataSource from it.

/** Provided by the platform module. */
export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

export interface DatabaseOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly applicationName?: string;
}
