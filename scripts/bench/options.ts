// Command-line options of `npm run bench`.
export const GROUPS = ['local', 'ssh', 'docker', 'k8s', 'extension'] as const;
export type Group = (typeof GROUPS)[number];
export type RuntimeName = Exclude<Group, 'extension'>;
export const RUNTIME_NAMES: readonly RuntimeName[] = ['local', 'ssh', 'docker', 'k8s'];

export interface BenchOptions {
  quick: boolean;
  only: ReadonlySet<Group>;
  outDir: string;
  /** Repetitions per scenario kind (warm-up excluded). */
  reps: { lifecycle: number; op: number; list: number; listBig: number; activation: number };
  warmup: { lifecycle: number; op: number; list: number; activation: number };
  /** Agent counts of the listing scenario; the largest is also the concurrent-spawn count. */
  listCounts: readonly number[];
  /** Idle agents measured for memory, per runtime and agent kind. */
  memoryAgents: number;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--only ${GROUPS.join(',')}] [--out DIR]

  --quick   few repetitions and at most 10 agents: a smoke run, not figures to quote
  --only    runtimes/groups to run (default: all). "extension" is activation time and bundle size.
            The 50-agent concurrent spawn runs with "docker".
  --out     where results.md and results.json go (default bench-output)`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let only: Set<Group> = new Set(GROUPS);
  let outDir = 'bench-output';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) throw new Error(`${a} needs a value.\n${USAGE}`);
      return v;
    };
    if (a === '--quick') quick = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const names = value().split(',').map((s) => s.trim()).filter(Boolean);
      const bad = names.filter((n) => !(GROUPS as readonly string[]).includes(n));
      if (bad.length || !names.length) throw new Error(`Unknown group(s) ${bad.join(', ') || '(none)'}; choose from ${GROUPS.join(', ')}.\n${USAGE}`);
      only = new Set(names as Group[]);
    } else if (a === '--out' || a.startsWith('--out=')) outDir = value();
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else throw new Error(`Unknown option ${a}.\n${USAGE}`);
  }
  return quick
    ? {
        quick, only, outDir,
        reps: { lifecycle: 3, op: 10, list: 5, listBig: 3, activation: 3 },
        warmup: { lifecycle: 1, op: 2, list: 1, activation: 1 },
        listCounts: [0, 2, 10],
        memoryAgents: 2,
      }
    : {
        quick, only, outDir,
        reps: { lifecycle: 10, op: 30, list: 12, listBig: 5, activation: 10 },
        warmup: { lifecycle: 2, op: 5, list: 1, activation: 2 },
        listCounts: [0, 10, 50],
        memoryAgents: 5,
      };
}
