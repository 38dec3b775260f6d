// Resolves the broker's settings: flag > WHARF_* environment variable > config file > default.
import { readFileSync } from 'node:fs';
import { WharfError } from '../util/wharf-error.js';
import { CONFIG_KEYS, defaultConfig, type WharfConfig } from './config-keys.js';
import { ERR_CONFIG_INVALID, parseConfigValue } from './parse-value.js';

export const ERR_CONFIG_FILE = 'WHARF_ERR_CONFIG_FILE';

export interface ConfigSources {
  /** Values given as flags, keyed by config key (already split by the CLI parser). */
  flags?: Partial<Record<keyof WharfConfig, unknown>>;
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON config file whose keys are the config keys. */
  configFile?: string;
  /** Values given in code (startBroker); they rank with flags. */
  overrides?: Partial<WharfConfig>;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WharfError(ERR_CONFIG_FILE, `cannot read config file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new WharfError(ERR_CONFIG_FILE, `config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WharfError(ERR_CONFIG_FILE, `config file ${path} must hold a JSON object such as {"dataDir": "./data"}`);
  }
  const known = new Set<string>(CONFIG_KEYS.map((k) => k.key));
  for (const name of Object.keys(parsed)) {
    if (!known.has(name)) {
      throw new WharfError(ERR_CONFIG_FILE, `config file ${path}: unknown key "${name}"; known keys: ${[...known].join(', ')}`);
    }
  }
  return parsed as Record<string, unknown>;
}

export function loadConfig(sources: ConfigSources = {}): WharfConfig {
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const file = sources.configFile ? readConfigFile(sources.configFile) : {};
  const env = sources.env ?? {};
  for (const key of CONFIG_KEYS) {
    const fromFlag = sources.flags?.[key.key];
    const fromCode = sources.overrides?.[key.key];
    const fromEnv = env[key.env];
    const fromFile = file[key.key];
    if (fromFlag !== undefined) config[key.key] = parseConfigValue(key, fromFlag, `--${key.flag}`);
    else if (fromCode !== undefined) config[key.key] = parseConfigValue(key, fromCode, `option ${key.key}`);
    else if (fromEnv !== undefined && fromEnv !== '') config[key.key] = parseConfigValue(key, fromEnv, key.env);
    else if (fromFile !== undefined) config[key.key] = parseConfigValue(key, fromFile, `${sources.configFile} key ${key.key}`);
  }
  const resolved = config as unknown as WharfConfig;
  // Each key's own range is checked above; this pair also bounds each other.
  if (resolved.groupSessionTimeoutMaxMs < resolved.groupSessionTimeoutMinMs) {
    throw new WharfError(ERR_CONFIG_INVALID,
      `groupSessionTimeoutMaxMs (${resolved.groupSessionTimeoutMaxMs}) is below groupSessionTimeoutMinMs (${resolved.groupSessionTimeoutMinMs}); raise the maximum or lower the minimum`);
  }
  return resolved;
}

export { ERR_CONFIG_INVALID };
