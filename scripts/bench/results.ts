// What a benchmark run produces: rows of the final table (ours, the plain-CLI baseline
// measured in the same run, their ratio, the target and whether it was met), profiles of
// where the time went, and the machine it ran on.
import { summarize, type Summary } from './stats';
import type { SampleSet } from './measure';

export type Unit = 'ms' | 's' | 'MiB' | 'KiB' | 'count';

export interface Target {
  /** As written in the issue, e.g. "≤ 700 ms". */
  text: string;
  /** Compared against ours p50 (or the single value). */
  max?: number;
  /** Minimum baseline/ours ratio, e.g. 8 for "≥ 8x faster". */
  minRatio?: number;
}

export interface Row {
  section: string;
  scenario: string;
  runtime: string;
  unit: Unit;
  ours?: Summary;
  baseline?: { label: string; summary: Summary };
  /** baseline p50 / ours p50: how many times faster (or smaller) ours is. */
  ratio?: number;
  target?: Target & { met: boolean; by?: string };
  /** Failed repetitions, setup problems, what was measured exactly. */
  note?: string;
  /** Set instead of figures when the scenario could not run. */
  notMeasured?: string;
}

export interface ProfileEntry {
  /** e.g. "docker spawn". */
  what: string;
  /** Mean milliseconds per operation spent in each step, largest first. */
  steps: Array<{ step: string; count: number; meanMs: number; shareOfTotal: number }>;
  totalMeanMs: number;
  note?: string;
}

export interface MachineInfo {
  date: string;
  hostname: string;
  nproc: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  dockerEngine?: string;
  tmux?: string;
  cgroup: string;
  loadBefore: string;
  loadAfter?: string;
  command: string;
}

export interface BenchResults {
  machine: MachineInfo;
  quick: boolean;
  durationS: number;
  rows: Row[];
  profiles: ProfileEntry[];
  warnings: string[];
}

function failureNote(set: SampleSet | undefined, who: string): string | undefined {
  if (!set?.failures.length) return undefined;
  const distinct = [...new Set(set.failures)];
  return `${who}: ${set.failures.length} failed repetition(s): ${distinct.slice(0, 2).join(' | ')}`;
}

/** A row from raw samples; the target is judged on ours p50 (and the ratio, if it has one). */
export function makeRow(r: {
  section: string;
  scenario: string;
  runtime: string;
  unit?: Unit;
  ours: SampleSet | Summary;
  warmup?: number;
  baseline?: { label: string; samples: SampleSet | Summary };
  target?: Target;
  note?: string;
}): Row {
  const toSummary = (s: SampleSet | Summary) => ('samples' in s ? summarize(s.samples, r.warmup ?? 0) : s);
  const ours = toSummary(r.ours);
  const baseline = r.baseline ? { label: r.baseline.label, summary: toSummary(r.baseline.samples) } : undefined;
  const ratio = baseline && ours.p50 > 0 ? baseline.summary.p50 / ours.p50 : undefined;
  const notes = [r.note, 'samples' in r.ours ? failureNote(r.ours, 'ours') : undefined, r.baseline && 'samples' in r.baseline.samples ? failureNote(r.baseline.samples, 'baseline') : undefined].filter(Boolean);
  const row: Row = { section: r.section, scenario: r.scenario, runtime: r.runtime, unit: r.unit ?? 'ms', ours, baseline, ratio, note: notes.join('; ') || undefined };
  if (r.target) row.target = judge(r.target, ours, ratio, row.unit);
  return row;
}

export function judge(t: Target, ours: Summary, ratio: number | undefined, unit: Unit): Target & { met: boolean; by?: string } {
  const misses: string[] = [];
  if (t.max !== undefined && !(ours.p50 <= t.max)) {
    misses.push(Number.isNaN(ours.p50) ? 'no successful sample' : `over by ${fmt(ours.p50 - t.max, unit)} ${unit} (${(ours.p50 / t.max).toFixed(1)}x the target)`);
  }
  if (t.minRatio !== undefined && !(ratio !== undefined && ratio >= t.minRatio)) {
    misses.push(ratio === undefined ? 'no ratio' : `only ${ratio.toFixed(1)}x faster than the baseline`);
  }
  return { ...t, met: misses.length === 0, by: misses.join('; ') || undefined };
}

export function notMeasured(section: string, scenario: string, runtime: string, why: string): Row {
  return { section, scenario, runtime, unit: 'ms', notMeasured: why };
}

export function fmt(v: number | undefined, unit: Unit): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (unit === 'count') return String(Math.round(v));
  if (unit === 's') return v.toFixed(1);
  if (unit === 'MiB') return v < 10 ? v.toFixed(2) : v.toFixed(1);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
