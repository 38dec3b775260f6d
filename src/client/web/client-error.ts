// The one error type the client rejects with. `code` is 'timeout', 'disconnected', or the code the
// server sent in its `error` op (e.g. 'not_found'), so callers branch on codes, not messages.

export type ClientErrorCode = 'timeout' | 'disconnected' | (string & {});

export class WharfClientError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string) {
    super(message);
    this.name = 'WharfClientError';
    this.code = code;
  }
}

export function isWharfClientError(err: unknown): err is WharfClientError {
  return err instanceof WharfClientError;
}
