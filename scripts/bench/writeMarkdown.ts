// bench-output/results.md: the machine, the command, the table, the notes of each row and
// the profiles of where the time goes, ready to paste into docs/benchmarks.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from './results';
import { HEADERS, cells } from './table';

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# Benchmark run ${m.date}${r.quick ? ' (--quick: smoke run, not figures to quote)' : ''}`, '');
  out.push(`- Command: \`${m.command}\` (took ${r.durationS.toFixed(0)} s)`);
  out.push(`- Machine: ${m.nproc} CPUs (nproc), ${m.memoryGiB} GiB, ${m.os}, kernel ${m.kernel}, cgroup ${m.cgroup}`);
  out.push(`- Node.js ${m.node}, Docker Engine ${m.dockerEngine ?? 'not used'}, ${m.tmux ?? 'tmux ?'}`);
  out.push(`- Load before: ${m.loadBefore}; after: ${m.loadAfter ?? '?'}`, '');
  out.push(`| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`);
  for (const row of r.rows) out.push(`| ${cells(row).map(esc).join(' | ')} |`);
  out.push('', '## Notes', '');
  for (const row of r.rows) {
    const bits = [row.note, row.baseline ? `baseline: ${row.baseline.label}` : undefined, row.target && !row.target.met ? `target missed: ${row.target.by}` : undefined].filter(Boolean);
    if (bits.length) out.push(`- **${esc(row.scenario)}** (${row.runtime}): ${bits.join('; ')}`);
  }
  if (r.profiles.length) {
    out.push('', '## Where the time goes', '');
    for (const p of r.profiles) {
      out.push(`### ${p.what}: ${p.totalMeanMs.toFixed(0)} ms mean`, '', p.note ? `${p.note}.` : '', '', '| Step | Calls per op | ms per op | Share |', '|---|---|---|---|');
      for (const s of p.steps) out.push(`| ${esc(s.step)} | ${s.count.toFixed(1)} | ${s.meanMs.toFixed(1)} | ${(s.shareOfTotal * 100).toFixed(0)}% |`);
      out.push('');
    }
  }
  if (r.warnings.length) out.push('', '## Warnings', '', ...r.warnings.map((w) => `- ${w}`));
  return out.join('\n') + '\n';
}

export function writeMarkdown(dir: string, results: BenchResults): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'results.md');
  writeFileSync(path, renderMarkdown(results));
  return path;
}
