// Numbers as an operator reads them: thousands grouped, bytes in KiB/MiB, rates per second.
const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const rateFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

export function num(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? '–' : intFmt.format(n);
}

export function rate(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? '–' : `${rateFmt.format(n)}/s`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${Number.isInteger(v) ? v : v.toFixed(1)} B`;
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return '–';
  const d = new Date(ms);
  const pad = (x: number, w = 2): string => String(x).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "k=v" lines (or a JSON object) to a headers object; throws with a message an operator can act on. */
export function parseHeaders(text: string): Record<string, string> {
  const t = text.trim();
  if (t === '') return {};
  if (t.startsWith('{')) {
    const o = JSON.parse(t) as unknown;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('headers: write a JSON object or key=value lines');
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  const out: Record<string, string> = {};
  for (const line of t.split('\n')) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`headers: "${line}" is not key=value`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** A JSON object typed in a form ("" is {}); throws saying what is wrong. */
export function parseArgs(text: string): Record<string, unknown> {
  const t = text.trim();
  if (t === '') return {};
  const o = JSON.parse(t) as unknown;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('arguments: write a JSON object, e.g. {"x-message-ttl": 60000}');
  return o as Record<string, unknown>;
}
