// Errors of the local API (`renkei api`): a stable code, a Japanese message for people, an HTTP status. An
// AgentError of the command layer (ours or the platform's code) is answered with a status that fits it.
import { AgentError, AgentErrorCode, ExitCode } from '../agent.errors';

export enum ApiErrorCode {
  API_TOKEN_REQUIRED = 'API_TOKEN_REQUIRED',
  API_TOKEN_INVALID = 'API_TOKEN_INVALID',
  HOST_FORBIDDEN = 'HOST_FORBIDDEN',
  ORIGIN_FORBIDDEN = 'ORIGIN_FORBIDDEN',
  ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  BODY_TOO_LARGE = 'BODY_TOO_LARGE',
  BODY_INVALID = 'BODY_INVALID',
  MEDIA_TYPE_UNSUPPORTED = 'MEDIA_TYPE_UNSUPPORTED',
  QUERY_INVALID = 'QUERY_INVALID',
  IDEMPOTENCY_KEY_REQUIRED = 'IDEMPOTENCY_KEY_REQUIRED',
  IDEMPOTENCY_KEY_INVALID = 'IDEMPOTENCY_KEY_INVALID',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  ONE_UNIT_REQUIRED = 'ONE_UNIT_REQUIRED',
  NOT_RECEIVED = 'NOT_RECEIVED',
  SHUTTING_DOWN = 'SHUTTING_DOWN',
  API_HOST_REFUSED = 'API_HOST_REFUSED',
  API_PORT_IN_USE = 'API_PORT_IN_USE',
  QUEUE_NOT_AVAILABLE = 'QUEUE_NOT_AVAILABLE',
  QUEUED_UNIT_NOT_FOUND = 'QUEUED_UNIT_NOT_FOUND',
}

/** an error the API answers as it is */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** the JSON body of every error answer */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** platform answers passed on with their own status; others (401, 5xx) mean the platform failed us: 502 */
const PASSED_PLATFORM_STATUSES = new Set([400, 403, 404, 409, 410, 422, 429]);

/** The HTTP status and body for anything a handler threw; unknown errors say nothing about themselves. */
export function errorAnswer(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof ApiError) {
    return { status: error.status, body: bodyOf(error.code, error.message, error.details) };
  }
  if (error instanceof AgentError) return { status: statusOfAgentError(error), body: agentBody(error) };
  return {
    status: 500,
    body: {
      code: AgentErrorCode.UNEXPECTED,
      message: '予期しないエラーが発生しました (unexpected error; see the agent log)',
    },
  };
}

function agentBody(error: AgentError): ApiErrorBody {
  return bodyOf(error.code, error.message, error.details);
}

function bodyOf(code: string, message: string, details: unknown): ApiErrorBody {
  return { code, message, ...(details !== undefined ? { details } : {}) };
}

export function statusOfAgentError(error: AgentError): number {
  const platformStatus = (error.details as { status?: unknown } | undefined)?.status;
  if (typeof platformStatus === 'number') {
    return PASSED_PLATFORM_STATUSES.has(platformStatus) ? platformStatus : 502;
  }
  if (error.code === AgentErrorCode.PLATFORM_UNREACHABLE) return 502;
  if (error.code === AgentErrorCode.RECEIPT_UNVERIFIED) return 502;
  switch (error.exitCode) {
    case ExitCode.Usage:
      return 400;
    case ExitCode.InvalidInput:
      return 422;
    case ExitCode.NotFound:
      return 404;
    case ExitCode.Refused:
      return 422;
    case ExitCode.Unreachable:
      return 502;
    case ExitCode.Ok:
    case ExitCode.Unexpected:
      return 500;
  }
}
