// Shared setup of the Kubernetes runtime's integration tests: the test API server (real
// protocol, pods as real Docker containers), an image with the fake agent CLI in it, and
// runtimes pointed at the server's kubeconfig.
//
// How the fake agent gets into pods: the test server serves only emptyDir and PVC volumes
// (no hostPath, so test/fixtures cannot be mounted). Instead the tests build a small image
// FROM tmux-agents-base:latest that adds the fixture, the way a cluster gets any CLI: in
// the image. It is tagged by content, so reruns reuse it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { pollUntil } from '../../../src/core/async';
import { ProviderCatalog } from '../../../src/core/providers';
import type { AgentConfig, AgentHandle, AgentInfo } from '../../../src/core/types';
import { K8sRuntime } from '../../../src/runtimes/k8s/k8sRuntime';
import type { K8sRuntimeOptions } from '../../../src/runtimes/k8s/k8sRuntimeOptions';
import { shellJoin } from '../../../src/tmux/shellQuote';
import { FAKE_AGENT_PATH, FAKE_AGENT_READY, type AgentLogEntry } from '../../support/fakeAgent';
import type { K8sTestServer } from '../../k8s-server/index.ts';

export const docker = new Docker();
export const BASE_IMAGE = process.env.TMUX_AGENTS_K8S_BASE_IMAGE ?? 'tmux-agents-base:latest';
export const FAKE_AGENT_IN_POD = '/opt/tmux-agents-test/fake-agent.mjs';
export const AGENT_LOG_IN_POD = '/workspace/fake-agent.jsonl';

async function imageId(tag: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(tag).inspect()).Id;
  } catch {
    return undefined;
  }
}

/** The base image plus the fake agent; built once per content. Fails loudly when the base is missing. */
export async function fakeAgentImage(): Promise<string> {
  const baseId = await imageId(BASE_IMAGE);
  if (!baseId) throw new Error(`The Kubernetes runtime tests need the image ${BASE_IMAGE} in the local Docker Engine: build it with "cd docker && ./build.sh".`);
  const script = readFileSync(FAKE_AGENT_PATH);
  const tag = `tmux-agents-k8s-test-agent:${createHash('sha256').update(baseId).update(script).digest('hex').slice(0, 12)}`;
  if (await imageId(tag)) return tag;
  const dir = mkdtempSync(join(tmpdir(), 'ta-k8s-image-'));
  try {
    writeFileSync(join(dir, 'fake-agent.mjs'), script);
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY fake-agent.mjs ${FAKE_AGENT_IN_POD}\n`);
    const tar = spawn('tar', ['-c', '-C', dir, 'Dockerfile', 'fake-agent.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = (await docker.buildImage(tar.stdout as Readable, { t: tag, labels: { 'tmux-agents-k8s-test.image': 'true' } })) as Readable;
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const failed = err?.message ?? out.find((o) => o.error)?.error;
        if (failed) reject(new Error(`building ${tag} failed: ${failed}`));
        else resolve();
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!(await imageId(tag))) throw new Error(`building ${tag} reported success but the image is missing`);
  return tag;
}

/** The catalog the tests use: `custom` is ready when the fake agent's prompt shows. */
export function fakeAgentProviders(): ProviderCatalog {
  return new ProviderCatalog({ custom: { readyPattern: FAKE_AGENT_READY } });
}

export function k8sRuntime(server: K8sTestServer, image: string, opts: Partial<K8sRuntimeOptions> = {}): K8sRuntime {
  return new K8sRuntime({
    id: 'k8s-test',
    kubeconfigPath: server.kubeconfigPath,
    context: server.contextName,
    image,
    // Small, so several test pods fit the machine; the defaults (4Gi, 2000m) are unit-tested.
    defaultMemory: '512Mi',
    defaultCpus: '500m',
    providers: fakeAgentProviders(),
    readyTimeoutMs: 15_000,
    commandTimeoutMs: 10_000,
    podStartTimeoutMs: 60_000,
    deleteTimeoutMs: 30_000,
    ...opts,
  });
}

/** A config that runs the fake agent in the pod, logging to `log` (in the pod). */
export function fakeAgentConfig(agentId: string, opts: { task?: string; args?: string[]; env?: Record<string, string>; secretEnv?: Record<string, string>; log?: string } = {}): AgentConfig {
  return {
    agentId,
    aiProvider: 'custom',
    customCommand: shellJoin(['node', FAKE_AGENT_IN_POD, ...(opts.args ?? [])]),
    workingDirectory: '/home/dev/project',
    task: opts.task,
    env: { FAKE_AGENT_LOG: opts.log ?? AGENT_LOG_IN_POD, ...opts.env },
    secretEnv: opts.secretEnv,
  };
}

/** A file's bytes in the agent's pod, read through the runtime's own exec (`cat`). */
export async function readPodFile(runtime: K8sRuntime, handle: AgentHandle, path: string): Promise<string | undefined> {
  const r = await runtime.getTmux(handle).executor.exec(['cat', path], { timeoutMs: 10_000 });
  return r.exitCode === 0 ? r.stdout : undefined;
}

export async function agentLog(runtime: K8sRuntime, handle: AgentHandle, path = AGENT_LOG_IN_POD): Promise<AgentLogEntry[]> {
  const text = (await readPodFile(runtime, handle, path)) ?? '';
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AgentLogEntry);
}

/** Waits until the fake agent in the pod has recorded `count` messages; returns their texts. */
export async function waitForPodMessages(runtime: K8sRuntime, handle: AgentHandle, count: number, timeoutMs = 15_000, path = AGENT_LOG_IN_POD): Promise<string[]> {
  let seen = 0;
  const got = await pollUntil(
    async () => {
      const msgs = (await agentLog(runtime, handle, path)).filter((e) => e.event === 'message').map((e) => e.text ?? '');
      seen = msgs.length;
      return msgs.length >= count ? msgs : undefined;
    },
    { timeoutMs, intervalMs: 50, maxIntervalMs: 300 },
  );
  if (!got) throw new Error(`the fake agent in ${handle.data.pod} recorded ${seen} of ${count} messages within ${timeoutMs} ms`);
  return got;
}

/** Polls `probe` until it returns a value; throws a descriptive error at the deadline. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const v = await pollUntil(probe, { timeoutMs, intervalMs: 50, maxIntervalMs: 300 });
  if (v === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return v;
}

export async function agentInfo(runtime: K8sRuntime, agentId: string): Promise<AgentInfo | undefined> {
  return (await runtime.listAgents()).find((a) => a.handle.agentId === agentId);
}

/** Docker containers of the test server's pods (optionally one pod's). */
export async function podContainers(server: K8sTestServer, pod?: string): Promise<string[]> {
  const label = [server.dockerLabelFilter, ...(pod ? [`tmux-agents-k8s-test.pod=${pod}`] : [])];
  const list = await docker.listContainers({ all: true, filters: { label } });
  return list.map((c) => c.Names[0]?.replace(/^\//, '') ?? c.Id);
}

/** Milliseconds `fn` took, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, Math.round(performance.now() - t0)];
}
