// A live line chart drawn as SVG: a few series of per-second rates over the last minutes. Hand
// drawn so the console ships no chart library.
import type { JSX } from 'preact';

export interface Series {
  label: string;
  color: string;
  values: number[];
}

const W = 560;
const H = 170;
const PAD = { l: 52, r: 8, t: 10, b: 22 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function short(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return String(Number(v.toFixed(2)));
}

/** `slots` samples wide, the newest on the right; `stepSeconds` apart. */
export function RateChart(props: { title: string; series: Series[]; slots: number; stepSeconds: number; unit: string; testId?: string }): JSX.Element {
  const { series, slots } = props;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const x = (i: number, n: number): number => PAD.l + iw - (n - 1 - i) * (iw / (slots - 1));
  const y = (v: number): number => PAD.t + ih - (v / max) * ih;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const minutes = Math.round(((slots - 1) * props.stepSeconds) / 60);
  return (
    <div class="card chart" data-testid={props.testId}>
      <div class="chart-head">
        <h3>{props.title}</h3>
        <div class="legend">
          {series.map((s) => (
            <span key={s.label}><i style={{ background: s.color }} />{s.label} <b>{short(s.values[s.values.length - 1] ?? 0)}{props.unit}</b></span>
          ))}
        </div>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        {grid.map((g) => (
          <g key={g}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(g)} y2={y(g)} class="gridline" />
            <text x={PAD.l - 6} y={y(g) + 4} text-anchor="end" class="axis">{short(g)}</text>
          </g>
        ))}
        <text x={PAD.l} y={H - 6} class="axis">−{minutes} min</text>
        <text x={W - PAD.r} y={H - 6} text-anchor="end" class="axis">now</text>
        {series.map((s) => {
          const n = s.values.length;
          if (n === 0) return null;
          const pts = s.values.map((v, i) => `${x(i, n).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
          return <polyline key={s.label} points={n === 1 ? `${pts} ${pts}` : pts} fill="none" stroke={s.color} stroke-width="2" stroke-linejoin="round" />;
        })}
      </svg>
    </div>
  );
}
