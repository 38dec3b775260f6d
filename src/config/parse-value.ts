// Turns the text of a flag, environment variable or config-file value into a typed setting, with
// an error that names the setting, the bad value and what would be accepted.
import { WharfError } from '../util/wharf-error.js';
import type { ConfigKey } from './config-keys.js';

export const ERR_CONFIG_INVALID = 'WHARF_ERR_CONFIG_INVALID';

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
};
const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

function invalid(source: string, key: ConfigKey, raw: unknown, expected: string): WharfError {
  return new WharfError(ERR_CONFIG_INVALID, `${source}: invalid value ${JSON.stringify(raw)} for ${key.key}: expected ${expected}`);
}

function withUnit(text: string, units: Record<string, number>): number | undefined {
  const m = /^(-?\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (!m) return undefined;
  const factor = units[(m[2] ?? '').toLowerCase()];
  if (factor === undefined) return undefined;
  const n = Number(m[1]) * factor;
  return Number.isSafeInteger(n) ? n : undefined;
}

function checkRange(source: string, key: ConfigKey, raw: unknown, n: number): number {
  if ((key.min !== undefined && n < key.min) || (key.max !== undefined && n > key.max)) {
    throw invalid(source, key, raw, `a number from ${key.min ?? '-∞'} to ${key.max ?? '∞'}`);
  }
  return n;
}

/** Parses one setting. `source` names where the value came from, for the error message. */
export function parseConfigValue(key: ConfigKey, raw: unknown, source: string): string | number | boolean {
  const text = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
  if (typeof text !== 'string') throw invalid(source, key, raw, 'a string or a number');
  switch (key.kind) {
    case 'string':
      if (text.length === 0) throw invalid(source, key, raw, 'a non-empty string');
      return text;
    case 'port':
    case 'integer': {
      if (!/^-?\d+$/.test(text.trim())) throw invalid(source, key, raw, 'a whole number');
      return checkRange(source, key, raw, Number(text));
    }
    case 'bytes': {
      const n = withUnit(text, BYTE_UNITS);
      if (n === undefined) throw invalid(source, key, raw, 'a size such as 1048576, 512MiB or 1GiB');
      return checkRange(source, key, raw, n);
    }
    case 'duration': {
      const n = withUnit(text, DURATION_UNITS);
      if (n === undefined) throw invalid(source, key, raw, 'a duration in ms, or with a unit: 500ms, 30s, 5m, 2h, 7d');
      return checkRange(source, key, raw, n);
    }
    case 'flush-policy':
      if (text === 'always' || text === 'never' || /^interval:[1-9]\d*$/.test(text)) return text;
      throw invalid(source, key, raw, 'always, never or interval:MS (e.g. interval:200)');
    case 'enum':
      if (key.choices?.includes(text)) return text;
      throw invalid(source, key, raw, `one of ${(key.choices ?? []).join(', ')}`);
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw invalid(source, key, raw, 'true or false');
  }
}
