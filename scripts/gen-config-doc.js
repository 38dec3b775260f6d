#!/usr/bin/env node
// Writes docs/configuration.md from the compiled settings table (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { renderConfigurationDoc } from '../dist/src/config/config-doc.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigurationDoc());
process.stdout.write('wrote docs/configuration.md\n');
