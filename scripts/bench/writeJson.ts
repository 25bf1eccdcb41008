// bench-output/results.json: everything a run measured, for tools and for comparing runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from './results';

export function writeJson(dir: string, results: BenchResults): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'results.json');
  // NaN is not JSON: a figure that could not be measured is null.
  writeFileSync(path, JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  return path;
}
