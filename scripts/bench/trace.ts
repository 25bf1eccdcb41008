// Where the time of one spawn or kill goes: every command an executor runs (tmux through a
// local process, an SSH channel, a Docker Engine exec, a Kubernetes exec) and the Docker
// Engine API calls of the lifecycle, timed and attributed to the operation being traced
// (AsyncLocalStorage). Patching the prototypes costs a closure call per command.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { ProfileEntry } from './results';

export interface TraceEvent {
  step: string;
  ms: number;
}

export class Trace {
  readonly events: TraceEvent[] = [];
  readonly logs: string[] = [];
  totalMs = 0;
}

const als = new AsyncLocalStorage<Trace>();

/** Runs `fn` with `trace` collecting its commands; sets trace.totalMs. */
export async function traced<T>(trace: Trace, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await als.run(trace, fn);
  } finally {
    trace.totalMs = performance.now() - t0;
  }
}

/** A log sink that files lines under the operation being traced. */
export function traceLog(line: string): void {
  als.getStore()?.logs.push(line);
}

/** "new-session", "set-option×7", "load-buffer+paste-buffer", "tmux -V", "test". */
export function commandStep(argv: readonly string[]): string {
  if (argv[0] !== 'tmux') return argv[0] ?? '?';
  let i = 1;
  // Global flags: -L/-S/-f take a value; -u, -2, -v... do not.
  while (i < argv.length) {
    if (['-L', '-S', '-f'].includes(argv[i]!)) i += 2;
    else if (/^-[u2v]+$/.test(argv[i]!)) i++;
    else break;
  }
  const rest = argv.slice(i);
  if (rest[0]?.startsWith('-')) return `tmux ${rest[0]}`;
  const verbs: string[] = [];
  let expectVerb = true;
  for (const a of rest) {
    if (expectVerb) verbs.push(a);
    expectVerb = a === ';';
  }
  const counted: Array<[string, number]> = [];
  for (const v of verbs) {
    const last = counted[counted.length - 1];
    if (last && last[0] === v) last[1]++;
    else counted.push([v, 1]);
  }
  return counted.map(([v, n]) => (n > 1 ? `${v}×${n}` : v)).join('+');
}

type AnyFn = (...args: unknown[]) => unknown;

function wrap(proto: Record<string, unknown>, method: string, step: (self: unknown, args: unknown[]) => string): void {
  const original = proto[method] as AnyFn | undefined;
  if (typeof original !== 'function' || (original as { __benchTraced?: boolean }).__benchTraced) return;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const trace = als.getStore();
    if (!trace) return original.apply(this, args);
    const t0 = performance.now();
    const r = original.apply(this, args);
    if (r && typeof (r as Promise<unknown>).then === 'function') {
      const done = () => trace.events.push({ step: step(this, args), ms: performance.now() - t0 });
      (r as Promise<unknown>).then(done, done);
    } else {
      trace.events.push({ step: step(this, args), ms: performance.now() - t0 });
    }
    return r;
  };
  (wrapped as { __benchTraced?: boolean }).__benchTraced = true;
  proto[method] = wrapped;
}

let installed = false;

/** Patches the executors and dockerode once; untraced calls pass straight through. */
export async function installTracing(): Promise<void> {
  if (installed) return;
  installed = true;
  const execStep = (label: string) => (_self: unknown, args: unknown[]) => `${label} ${commandStep(args[0] as string[])}`;
  const { LocalProcessExecutor } = await import('../../src/runtimes/local/localProcessExecutor');
  const { SshExecExecutor } = await import('../../src/runtimes/ssh/sshExecExecutor');
  const { DockerExecExecutor } = await import('../../src/runtimes/docker/dockerExecExecutor');
  const { K8sExecExecutor } = await import('../../src/runtimes/k8s/k8sExecExecutor');
  wrap(LocalProcessExecutor.prototype as never, 'exec', execStep('process:'));
  wrap(SshExecExecutor.prototype as never, 'exec', execStep('ssh exec:'));
  wrap(DockerExecExecutor.prototype as never, 'exec', execStep('engine exec:'));
  wrap(K8sExecExecutor.prototype as never, 'exec', execStep('k8s exec:'));
  const req = createRequire(import.meta.url);
  const Docker = req('dockerode') as { prototype: Record<string, unknown> };
  const Container = req('dockerode/lib/container') as { prototype: Record<string, unknown> };
  const Image = req('dockerode/lib/image') as { prototype: Record<string, unknown> };
  for (const m of ['createContainer', 'listContainers', 'listNetworks', 'createNetwork', 'info']) wrap(Docker.prototype, m, () => `engine API: ${m}`);
  for (const m of ['start', 'stop', 'remove', 'inspect']) wrap(Container.prototype, m, () => `engine API: container ${m}`);
  wrap(Image.prototype, 'inspect', () => 'engine API: image inspect');
  // Inside each "engine exec": in parentheses, as they overlap it.
  const Exec = req('dockerode/lib/exec') as { prototype: Record<string, unknown> };
  wrap(Container.prototype, 'exec', () => '(inside engine exec: API exec create)');
  wrap(Exec.prototype, 'start', () => '(inside engine exec: API exec start, until hijacked)');
  wrap(Exec.prototype, 'inspect', () => '(inside engine exec: API exec inspect, exit code)');
}

/** Mean time per operation in each step, over several traced operations of one kind. */
export function profileOf(what: string, traces: readonly Trace[], extraSteps: (t: Trace) => TraceEvent[] = () => []): ProfileEntry {
  const n = traces.length || 1;
  const totals = new Map<string, { count: number; ms: number }>();
  let traced = 0;
  let total = 0;
  for (const t of traces) {
    total += t.totalMs;
    for (const e of [...t.events, ...extraSteps(t)]) {
      const s = totals.get(e.step) ?? { count: 0, ms: 0 };
      s.count++;
      s.ms += e.ms;
      totals.set(e.step, s);
      if (!e.step.startsWith('(')) traced += e.ms;
    }
  }
  const totalMeanMs = total / n;
  const steps = [...totals.entries()].map(([step, s]) => ({ step, count: s.count / n, meanMs: s.ms / n, shareOfTotal: totalMeanMs > 0 ? s.ms / n / totalMeanMs : 0 }));
  const other = Math.max(0, total - traced) / n;
  steps.push({ step: 'between calls (poll sleeps, agent start-up, JS)', count: 1, meanMs: other, shareOfTotal: totalMeanMs > 0 ? other / totalMeanMs : 0 });
  steps.sort((a, b) => b.meanMs - a.meanMs);
  return { what, steps, totalMeanMs, note: `mean over ${traces.length} traced operation(s); steps in parentheses overlap the others and are not subtracted` };
}
