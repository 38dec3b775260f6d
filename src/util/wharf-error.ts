// Every expected failure in Wharf is a WharfError with a stable WHARF_ERR_* code. Protocols map
// codes to their own wire errors in one table each; docs/errors.md lists every code (a test
// keeps it complete).

export class WharfError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WharfError';
    this.code = code;
  }
}

export function isWharfError(err: unknown, code?: string): err is WharfError {
  return err instanceof WharfError && (code === undefined || err.code === code);
}
