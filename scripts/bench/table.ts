// The final table as plain text for the terminal: one line per row, ours next to the
// baseline measured in the same run, the ratio, and the target verdict.
import { fmt, type Row } from './results';

export const HEADERS = ['Scenario', 'Runtime', 'n', 'Ours p50', 'p95', 'min', 'max', 'Baseline p50 (p95)', 'Ratio', 'Target', 'Met'] as const;

export function cells(r: Row): string[] {
  if (r.notMeasured) return [r.scenario, r.runtime, '', `not measured: ${r.notMeasured}`, '', '', '', '', '', '', ''];
  const o = r.ours!;
  const u = r.unit === 'count' ? '' : ` ${r.unit}`;
  const b = r.baseline ? `${fmt(r.baseline.summary.p50, r.unit)} (${fmt(r.baseline.summary.p95, r.unit)})${u}` : '';
  const multi = o.n > 1;
  return [
    r.scenario,
    r.runtime,
    String(o.n),
    `${fmt(o.p50, r.unit)}${u}`,
    multi ? fmt(o.p95, r.unit) : '',
    multi ? fmt(o.min, r.unit) : '',
    multi ? fmt(o.max, r.unit) : '',
    b,
    r.ratio !== undefined ? `${r.ratio.toFixed(1)}x` : '',
    r.target?.text ?? '',
    r.target ? (r.target.met ? 'yes' : 'NO') : '',
  ];
}

export function renderTable(rows: readonly Row[]): string {
  const body = rows.map(cells);
  const widths = HEADERS.map((h, i) => Math.min(i === 0 ? 64 : 44, Math.max(h.length, ...body.map((c) => c[i]!.length))));
  const line = (c: readonly string[]) => c.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
