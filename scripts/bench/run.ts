// `npm run bench`: measures spawn, kill, tmux operations, listing, status refresh, idle
// memory and a 50-agent concurrent spawn on every runtime (local, SSH, Docker, Kubernetes
// test server), side by side with the plain-CLI way in the same run, plus the extension's
// activation time and bundle size. Prints one table and writes bench-output/results.{md,json}.
// Never part of `npm test`. Options: see options.ts (--quick, --only docker,local, --out DIR).
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../../src/core/errors';
import { cleanupAll, installSignalHandlers, interruptSignal, onCleanup, sweepDeadRuns } from './cleanup';
import { createDockerEnv, docker, requireDocker, agentWorkspace } from './env/dockerEnv';
import { createK8sEnv } from './env/k8sEnv';
import { createLocalEnv } from './env/localEnv';
import { createSshEnv } from './env/sshEnv';
import type { BenchRuntime } from './env/types';
import { describeMachine, loadNow } from './machine';
import { RUNTIME_NAMES, parseOptions, type BenchOptions, type RuntimeName } from './options';
import { notMeasured, type BenchResults, type ProfileEntry, type Row } from './results';
import { runExtension } from './scenarios/extension';
import { runLifecycle } from './scenarios/lifecycle';
import { runListing } from './scenarios/listing';
import { runMemory } from './scenarios/memory';
import { runTmuxOps } from './scenarios/tmuxOps';
import { renderTable } from './table';
import { installTracing } from './trace';
import { writeJson } from './writeJson';
import { writeMarkdown } from './writeMarkdown';

const SECTION_ORDER = ['lifecycle', 'tmux op', 'list', 'status', 'scale', 'memory', 'extension'];
const t0 = performance.now();
const log = (msg: string) => process.stderr.write(`[bench +${((performance.now() - t0) / 1000).toFixed(0)}s] ${msg}\n`);

function createEnv(name: RuntimeName): BenchRuntime | Promise<BenchRuntime> {
  switch (name) {
    case 'local':
      return createLocalEnv();
    case 'ssh':
      return createSshEnv();
    case 'docker':
      return createDockerEnv();
    case 'k8s':
      return createK8sEnv();
  }
}

/** Runs one scenario; a failure becomes a "not measured" row instead of ending the run. */
async function step(rows: Row[], what: { section: string; scenario: string; runtime: string }, fn: () => Promise<void>): Promise<void> {
  interruptSignal.throwIfAborted();
  log(`${what.runtime}: ${what.scenario}`);
  try {
    await fn();
  } catch (e) {
    interruptSignal.throwIfAborted();
    log(`  failed: ${errorMessage(e).split('\n')[0]}`);
    rows.push(notMeasured(what.section, what.scenario, what.runtime, errorMessage(e).split('\n')[0]!));
  }
}

async function runRuntime(env: BenchRuntime, o: BenchOptions, rows: Row[], profiles: ProfileEntry[]): Promise<void> {
  await step(rows, { section: 'lifecycle', scenario: 'spawn and kill', runtime: env.name }, async () => {
    const r = await runLifecycle(env, o, env.name === 'docker' ? agentWorkspace('cli') : undefined);
    rows.push(...r.rows);
    profiles.push(...r.profiles);
  });
  await step(rows, { section: 'tmux op', scenario: 'tmux operations', runtime: env.name }, async () => {
    const h = await env.runtime.spawnAgent(env.config('ops', 'fake'));
    try {
      rows.push(...(await runTmuxOps(env, o, h)));
    } finally {
      await env.runtime.killAgent(h).catch(() => undefined);
    }
  });
  await step(rows, { section: 'memory', scenario: 'idle memory', runtime: env.name }, async () => {
    rows.push(...(await runMemory(env, o)));
  });
}

async function main(): Promise<number> {
  let o: BenchOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  installSignalHandlers();
  await installTracing();
  const rows: Row[] = [];
  const profiles: ProfileEntry[] = [];
  const warnings: string[] = [];
  const wanted = RUNTIME_NAMES.filter((n) => o.only.has(n));
  let engine: string | undefined;
  let noDocker: string | undefined;
  if (wanted.includes('docker') || wanted.includes('k8s')) {
    try {
      engine = await requireDocker();
    } catch (e) {
      noDocker = errorMessage(e);
    }
  }
  const swept = await sweepDeadRuns(engine ? docker : undefined);
  // Registered first, so it runs last.
  onCleanup('final sweep of this run\'s containers and tmux servers', async () => {
    const left = await sweepDeadRuns(engine ? docker : undefined, true);
    if (left.length) warnings.push(`the final sweep removed: ${left.join(', ')}`);
  });
  if (swept.length) warnings.push(`removed leftovers of earlier runs that died: ${swept.join(', ')}`);
  const machine = describeMachine(engine);
  log(`${machine.nproc} CPUs, ${machine.memoryGiB} GiB, kernel ${machine.kernel}, Docker ${engine ?? '-'}, ${machine.loadBefore}${o.quick ? ' (quick)' : ''}`);

  try {
    const envs: BenchRuntime[] = [];
    for (const name of wanted) {
      if (noDocker && (name === 'docker' || name === 'k8s')) {
        rows.push(notMeasured('lifecycle', 'every scenario', name, noDocker));
        continue;
      }
      interruptSignal.throwIfAborted();
      let env: BenchRuntime;
      try {
        log(`${name}: setting up`);
        env = await createEnv(name);
      } catch (e) {
        log(`${name}: setup failed: ${errorMessage(e).split('\n')[0]}`);
        rows.push(notMeasured('lifecycle', 'every scenario', name, `setup failed: ${errorMessage(e).split('\n')[0]}`));
        continue;
      }
      envs.push(env);
      await runRuntime(env, o, rows, profiles);
    }
    if (envs.length) {
      await step(rows, { section: 'list', scenario: `listing with ${o.listCounts.join(', ')} agents`, runtime: envs.map((e) => e.name).join('+') }, async () => {
        const r = await runListing(envs, o, envs.some((e) => e.name === 'docker') ? agentWorkspace('cli-list') : undefined, log);
        rows.push(...r.rows);
        profiles.push(...r.profiles);
      });
    }
    if (o.only.has('extension')) {
      await step(rows, { section: 'extension', scenario: 'activation and bundle size', runtime: '-' }, async () => {
        rows.push(...(await runExtension(o)));
      });
    }
  } finally {
    log('cleaning up');
    await cleanupAll((l) => {
      warnings.push(l);
      log(l);
    });
  }

  machine.loadAfter = loadNow();
  rows.sort((a, b) => SECTION_ORDER.indexOf(a.section) - SECTION_ORDER.indexOf(b.section));
  const results: BenchResults = { machine, quick: o.quick, durationS: (performance.now() - t0) / 1000, rows, profiles, warnings };
  process.stdout.write(`\n${renderTable(rows)}\n\n`);
  const md = writeMarkdown(o.outDir, results);
  const json = writeJson(o.outDir, results);
  process.stdout.write(`Load: before ${machine.loadBefore}; after ${machine.loadAfter}. Wrote ${md} and ${json}.\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    if (!interruptSignal.aborted) process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
    await cleanupAll();
    process.exit(interruptSignal.aborted ? 130 : 1);
  },
);
