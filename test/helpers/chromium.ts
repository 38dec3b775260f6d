// Where the headless browser of the end-to-end tests is: Debian's `chromium` (installed by
// .ci/run), or CHROMIUM_PATH. undefined when none is installed, so a test can skip and say why.
import { existsSync } from 'node:fs';

export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'];
  return candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
}
