// Errors of the management API in RabbitMQ's shape, {"error": "not_found", "reason": "..."}, so
// that rabbitmqadmin and other RabbitMQ tools show the reason. Whatever a handler throws goes
// through mgmtErrorFor: HttpErrors and broker errors keep the status the /v1 gateway gives them
// (http-error.ts is the one table from Wharf codes to statuses).
import { ERR_INVALID_CONFIG } from '../../../broker/topic-config.js';
import { isWharfError } from '../../../util/wharf-error.js';
import { httpErrorFor } from '../http-error.js';

export class MgmtError extends Error {
  readonly status: number;
  readonly error: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, error: string, reason: string, headers: Readonly<Record<string, string>> = {}) {
    super(reason);
    this.name = 'MgmtError';
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

export const REALM_HEADER = { 'www-authenticate': 'Basic realm="Wharf Management"' } as const;

export function notAuthorised(reason: string): MgmtError {
  return new MgmtError(401, 'not_authorised', reason, REALM_HEADER);
}

export function accessRefused(reason: string): MgmtError {
  return new MgmtError(403, 'not_authorised', reason);
}

export function objectNotFound(what: string): MgmtError {
  return new MgmtError(404, 'not_found', `Object Not Found: ${what}`);
}

export function badRequest(reason: string): MgmtError {
  return new MgmtError(400, 'bad_request', reason);
}

export function conflict(reason: string): MgmtError {
  return new MgmtError(409, 'conflict', reason);
}

export interface MappedMgmtError {
  readonly error: MgmtError;
  /** False for failures nothing mapped: a Wharf bug worth a log line. */
  readonly expected: boolean;
}

export function mgmtErrorFor(err: unknown): MappedMgmtError {
  if (err instanceof MgmtError) return { error: err, expected: true };
  // Codes the /v1 gateway never meets: topic configs are only changed here.
  if (isWharfError(err) && err.code === ERR_INVALID_CONFIG) return { error: badRequest(err.message), expected: true };
  const { error, expected } = httpErrorFor(err);
  return { error: new MgmtError(error.status, error.code, error.message, error.headers), expected };
}

export function mgmtErrorBody(err: MgmtError): { error: string; reason: string } {
  return { error: err.error, reason: err.message };
}
