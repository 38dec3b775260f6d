// The chart of `npm run bench:prediction`: a self-contained SVG (no fonts or scripts to fetch)
// with three grouped-bar panels: latency p50/p99, requests the server handled per result, and
// CPU of the broker and of the example server, for each mode and number of browsers.

export interface ChartRow {
  mode: 'poll' | 'push';
  browsers: number;
  p50Ms: number;
  p99Ms: number;
  perResult: number;
  brokerCpuPercent: number;
  serverCpuPercent: number;
}

interface Series {
  name: string;
  color: string;
  values: number[];
}

const WIDTH = 980;
const PANEL_HEIGHT = 250;
const LEFT = 70;
const RIGHT = 20;
const POLL = '#b4582b';
const POLL_LIGHT = '#e3a27f';
const PUSH = '#2a6fb0';
const PUSH_LIGHT = '#8dbbe3';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round axis maximum at or above `v`: 1, 2, 2.5 or 5 times a power of ten. */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(v >= 1 ? 1 : 2);
}

function panel(top: number, title: string, unit: string, groups: string[], series: Series[]): string {
  const plotTop = top + 62;
  const plotHeight = PANEL_HEIGHT - 100;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const max = niceMax(Math.max(...series.flatMap((s) => s.values.filter(Number.isFinite))) * 1.08);
  const y = (v: number): number => plotTop + plotHeight - (Math.max(0, v) / max) * plotHeight;
  const out: string[] = [];
  out.push(`<text x="${LEFT}" y="${top + 22}" class="title">${esc(title)}</text>`);
  // Legend, on the line under the title.
  let lx = LEFT;
  for (const s of series) {
    out.push(`<rect x="${lx.toFixed(1)}" y="${top + 32}" width="12" height="12" fill="${s.color}"/>`);
    out.push(`<text x="${(lx + 17).toFixed(1)}" y="${top + 42}" class="legend">${esc(s.name)}</text>`);
    lx += 34 + s.name.length * 6.6;
  }
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const yy = y(v);
    out.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${yy.toFixed(1)}" y2="${yy.toFixed(1)}" class="${i === 0 ? 'axis' : 'grid'}"/>`);
    out.push(`<text x="${LEFT - 8}" y="${(yy + 4).toFixed(1)}" class="tick" text-anchor="end">${Number(v.toFixed(2))}</text>`);
  }
  out.push(`<text x="16" y="${(plotTop + plotHeight / 2).toFixed(1)}" class="unit" transform="rotate(-90 16 ${(plotTop + plotHeight / 2).toFixed(1)})" text-anchor="middle">${esc(unit)}</text>`);
  const groupWidth = plotWidth / groups.length;
  const barWidth = Math.min(46, (groupWidth * 0.8) / series.length);
  groups.forEach((g, gi) => {
    const gx = LEFT + gi * groupWidth + (groupWidth - barWidth * series.length) / 2;
    series.forEach((s, si) => {
      const v = s.values[gi] ?? NaN;
      const x = gx + si * barWidth;
      const yy = Number.isFinite(v) ? y(v) : y(0);
      const h = plotTop + plotHeight - yy;
      out.push(`<rect x="${(x + 2).toFixed(1)}" y="${yy.toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${Math.max(h, 0.5).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.name}, ${g}: ${fmt(v)} ${unit}`)}</title></rect>`);
      out.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${(yy - 4).toFixed(1)}" class="value" text-anchor="middle">${fmt(v)}</text>`);
    });
    out.push(`<text x="${(LEFT + gi * groupWidth + groupWidth / 2).toFixed(1)}" y="${plotTop + plotHeight + 20}" class="group" text-anchor="middle">${esc(g)}</text>`);
  });
  return out.join('\n');
}

export function renderChart(rows: ChartRow[], caption: string): string {
  const sizes = [...new Set(rows.map((r) => r.browsers))].sort((a, b) => a - b);
  const groups = sizes.map((n) => `${n} browsers`);
  const pick = (mode: 'poll' | 'push', key: keyof ChartRow): number[] =>
    sizes.map((n) => Number(rows.find((r) => r.mode === mode && r.browsers === n)?.[key] ?? NaN));
  const height = 40 + 3 * PANEL_HEIGHT + 40;
  const body = [
    panel(40, 'Submit → result latency', 'ms', groups, [
      { name: 'polling p50', color: POLL, values: pick('poll', 'p50Ms') },
      { name: 'polling p99', color: POLL_LIGHT, values: pick('poll', 'p99Ms') },
      { name: 'push p50', color: PUSH, values: pick('push', 'p50Ms') },
      { name: 'push p99', color: PUSH_LIGHT, values: pick('push', 'p99Ms') },
    ]),
    panel(40 + PANEL_HEIGHT, 'Requests the servers handled per result', 'per result', groups, [
      { name: 'polling: HTTP requests', color: POLL, values: pick('poll', 'perResult') },
      { name: 'push: WS messages', color: PUSH, values: pick('push', 'perResult') },
    ]),
    panel(40 + 2 * PANEL_HEIGHT, 'CPU while serving (% of one core)', '% of a core', groups, [
      { name: 'polling: broker', color: POLL, values: pick('poll', 'brokerCpuPercent') },
      { name: 'polling: example server', color: POLL_LIGHT, values: pick('poll', 'serverCpuPercent') },
      { name: 'push: broker', color: PUSH, values: pick('push', 'brokerCpuPercent') },
      { name: 'push: example server', color: PUSH_LIGHT, values: pick('push', 'serverCpuPercent') },
    ]),
  ].join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Verdana, sans-serif">
<style>
  .heading { font-size: 17px; font-weight: bold; fill: #1d2430; }
  .title { font-size: 13px; font-weight: bold; fill: #1d2430; }
  .legend, .group { font-size: 11px; fill: #1d2430; }
  .tick, .unit, .caption { font-size: 10px; fill: #5d6878; }
  .value { font-size: 9.5px; fill: #1d2430; }
  .grid { stroke: #e4e8ee; stroke-width: 1; }
  .axis { stroke: #8a94a3; stroke-width: 1; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${LEFT}" y="26" class="heading">Prediction example: HTTP polling vs RPC + WebSocket push (npm run bench:prediction)</text>
${body}
${caption.split('\n').map((line, i, all) => `<text x="${LEFT}" y="${height - 10 - (all.length - 1 - i) * 13}" class="caption">${esc(line)}</text>`).join('\n')}
</svg>
`;
}
