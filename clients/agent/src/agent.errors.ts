/** Process exit codes of `renkei` (documented in clients/agent/README.md). */
export enum ExitCode {
  Ok = 0,
  Unexpected = 1,
  Usage = 2,
  InvalidInput = 3,
  Refused = 4,
  Unreachable = 5,
  NotFound = 6,
}

/** The agent's own error codes; a refusal by the platform carries the platform's code instead. */
export enum AgentErrorCode {
  USAGE = 'USAGE',
  INVALID_INPUT = 'INVALID_INPUT',
  SEND_VALIDATION_FAILED = 'SEND_VALIDATION_FAILED',
  FILE_NOT_FOUND = 'FILE_NOT_FOUND',
  FILE_EXISTS = 'FILE_EXISTS',
  PASSWORD_MISSING = 'PASSWORD_MISSING',
  PROFILE_NOT_FOUND = 'PROFILE_NOT_FOUND',
  PROFILE_EXISTS = 'PROFILE_EXISTS',
  PROFILE_INVALID = 'PROFILE_INVALID',
  PROFILE_NOT_SELECTED = 'PROFILE_NOT_SELECTED',
  PROFILE_NAME_INVALID = 'PROFILE_NAME_INVALID',
  KEY_PASSPHRASE_REQUIRED = 'KEY_PASSPHRASE_REQUIRED',
  KEY_PASSPHRASE_WRONG = 'KEY_PASSPHRASE_WRONG',
  KEY_PASSPHRASE_TOO_SHORT = 'KEY_PASSPHRASE_TOO_SHORT',
  KEY_PASSPHRASE_MISMATCH = 'KEY_PASSPHRASE_MISMATCH',
  SECRET_STORE_FAILED = 'SECRET_STORE_FAILED',
  CERTIFICATE_INVALID = 'CERTIFICATE_INVALID',
  ENVELOPE_REJECTED = 'ENVELOPE_REJECTED',
  SIGNER_MISMATCH = 'SIGNER_MISMATCH',
  RECEIPT_UNVERIFIED = 'RECEIPT_UNVERIFIED',
  DEV_CA_NOT_FOUND = 'DEV_CA_NOT_FOUND',
  PLATFORM_UNREACHABLE = 'PLATFORM_UNREACHABLE',
  PLATFORM_ERROR = 'PLATFORM_ERROR',
  TIMEOUT = 'TIMEOUT',
  DEMO_FAILED = 'DEMO_FAILED',
  UNEXPECTED = 'UNEXPECTED',
}

/**
 * What every command throws on an expected failure: a stable `code` (ours or the platform's), a message for
 * people (Japanese first), the exit code, and optional machine details (e.g. every validation problem).
 */
export class AgentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

export const usageError = (message: string): AgentError =>
  new AgentError(AgentErrorCode.USAGE, message, ExitCode.Usage);

export const invalidInput = (code: string, message: string, details?: unknown): AgentError =>
  new AgentError(code, message, ExitCode.InvalidInput, details);

/** Exit code for a platform answer that is not a success, by HTTP status. */
export function exitCodeForStatus(status: number): ExitCode {
  return status === 404 ? ExitCode.NotFound : ExitCode.Refused;
}

/** Anything thrown as an AgentError: unknown errors become UNEXPECTED (exit 1) with their message only. */
export function toAgentError(error: unknown): AgentError {
  if (error instanceof AgentError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AgentError(
    AgentErrorCode.UNEXPECTED,
    `予期しないエラーが発生しました (unexpected error): ${message}`,
    ExitCode.Unexpected,
  );
}
