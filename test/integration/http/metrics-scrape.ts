// Reads GET /metrics into samples keyed by their exposition text (`name{label="v",…}`), so a test
// can look up one series' value exactly.
export interface Scrape {
  readonly text: string;
  /** Sample key (name plus labels as printed) → value. */
  readonly samples: ReadonlyMap<string, number>;
  /** The value of `name` with `labels` (in prom-client's print order), or undefined when absent. */
  value(name: string, labels?: Readonly<Record<string, string>>): number | undefined;
  /** Every metric name that has at least one sample (histogram series as name_bucket/_sum/_count). */
  readonly names: ReadonlySet<string>;
}

export async function scrapeMetrics(base: string): Promise<Scrape> {
  const res = await fetch(`${base}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  const text = await res.text();
  const samples = new Map<string, number>();
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const key = line.slice(0, cut);
    samples.set(key, Number(line.slice(cut + 1)));
    names.add(key.replace(/\{.*$/, ''));
  }
  return {
    text,
    samples,
    names,
    value(name, labels = {}) {
      const parts = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      return samples.get(parts.length === 0 ? name : `${name}{${parts.join(',')}}`);
    },
  };
}
