// Top frames of a V8 CPU profile (`node --cpu-prof` output, a .cpuprofile JSON file), for the
// broker profile that `npm run bench:kafka -- --profile` takes.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  frame: string;
  selfMs: number;
  /** Time with this frame anywhere on the stack (each sample counted once per frame). */
  totalMs: number;
}

export interface ProfileSummary {
  sampledMs: number;
  /** Sampled time outside (idle). */
  idleMs: number;
  frames: FrameTime[];
}

function frameName(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  const path = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url;
  return `${name} ${path}:${lineNumber + 1}`;
}

/** Self and total time per frame (function + file + line), heaviest self time first. */
export function summarizeProfile(file: string, root: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const names = new Map<number, string>();
  for (const n of profile.nodes) names.set(n.id, frameName(n, root));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let sampledMs = 0;
  let idleMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] ?? -1;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    sampledMs += ms;
    const name = names.get(id) ?? '?';
    if (name === '(idle)') {
      idleMs += ms;
      continue;
    }
    self.set(name, (self.get(name) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = names.get(at) ?? '?';
      if (seen.has(n)) continue;
      seen.add(n);
      total.set(n, (total.get(n) ?? 0) + ms);
    }
  }
  const frames = [...self.entries()]
    .map(([frame, selfMs]) => ({ frame, selfMs, totalMs: total.get(frame) ?? selfMs }))
    .sort((a, b) => b.selfMs - a.selfMs);
  return { sampledMs, idleMs, frames };
}
