// Renders docs/configuration.md from the settings table, so the page cannot drift from the code.
import { CONFIG_KEYS, type ConfigKey } from './config-keys.js';

function limits(k: ConfigKey): string {
  if (k.choices) return k.choices.join(', ');
  if (k.kind === 'flush-policy') return 'always, never, interval:MS';
  const parts: string[] = [];
  if (k.min !== undefined) parts.push(`≥ ${k.min}`);
  if (k.max !== undefined) parts.push(`≤ ${k.max}`);
  return parts.join(', ');
}

export function renderConfigurationDoc(): string {
  const rows = CONFIG_KEYS.map(
    (k) => `| \`${k.key}\` | \`--${k.flag}\` | \`${k.env}\` | ${k.kind} | \`${String(k.defaultValue)}\` | ${limits(k)} | ${k.description} |`,
  );
  return [
    '# Configuration',
    '',
    'Every setting can be given as a flag of `wharf serve`, as a `WHARF_*` environment variable, as a key of',
    'a JSON config file (`wharf serve --config wharf.json`), or as an option of `startBroker()`.',
    'A flag (or a `startBroker` option) beats the environment variable, which beats the config file, which',
    'beats the default.',
    '',
    'Sizes accept units (`1048576`, `512KiB`, `64MiB`, `1GiB`); durations accept `ms`, `s`, `m`, `h`, `d`',
    '(`500ms`, `30s`, `7d`) or a plain number of milliseconds. An invalid value stops the broker with',
    '`WHARF_ERR_CONFIG_INVALID` naming the setting, where it came from and what is accepted.',
    '',
    '```json',
    '{ "dataDir": "/var/lib/wharf", "host": "0.0.0.0", "flushPolicy": "interval:200", "retentionMs": "3d" }',
    '```',
    '',
    '| key | flag | environment | kind | default | limits | meaning |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'This page is generated from `src/config/config-keys.ts` by `npm run docs:config`; a test fails when',
    'they differ.',
    '',
  ].join('\n');
}
