/** Nest token of the process's pino logger (classes usually log through Nest's `Logger` instead). */
export const PINO_LOGGER = Symbol('PINO_LOGGER');
