// Structured logs through pino: JSON lines for machines, a readable mode for a terminal.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** 'json', 'pretty', or 'auto' (pretty when stdout is a terminal). */
  format: string;
  name?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true);
  const base = { name: options.name ?? 'wharf', level: options.level };
  if (!usePretty) return pino(base);
  // A synchronous pretty stream (not a worker transport) so lines written just before exit are kept.
  return pino(base, pretty({ colorize: process.stdout.isTTY === true, sync: true, ignore: 'pid,hostname,name' }));
}

/** A logger that drops everything, for embedding and tests that do not want output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
