// Shared pieces of the k8s test server's integration tests: a kubectl runner, polling
// helpers (readiness checks, never fixed sleeps) and the no-leftovers check.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

/** The image pods run; set TMUX_AGENTS_K8S_TEST_IMAGE to e.g. tmux-agents-base:latest. */
export const TEST_IMAGE = process.env.TMUX_AGENTS_K8S_TEST_IMAGE ?? 'debian:bookworm-slim';
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export const docker = new Docker();

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

// kubectl caches discovery per server address; a private cache keeps runs independent.
const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));

/** Runs kubectl against `kubeconfig`, feeding `input` on stdin when given. */
export function kubectl(kubeconfig: string, args: string[], input?: Buffer | string, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubectl ${args.join(' ')} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** kubectl that must succeed; returns stdout as text. */
export async function kubectlOk(kubeconfig: string, args: string[], input?: Buffer | string): Promise<string> {
  const r = await kubectl(kubeconfig, args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

/** Polls `probe` until it returns a value other than undefined, or fails with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Containers and volumes still labelled by the given instance (or by any test server). */
export async function leftovers(labelFilter = 'tmux-agents-k8s-test=true'): Promise<{ containers: string[]; volumes: string[] }> {
  const containers = await docker.listContainers({ all: true, filters: { label: [labelFilter] } });
  const { Volumes } = await docker.listVolumes({ filters: { label: [labelFilter] } });
  return { containers: containers.map((c) => c.Names[0] ?? c.Id), volumes: (Volumes ?? []).map((v) => v.Name) };
}

/** A pod manifest running `script` under sh with a tmux session `S` started first. */
export function tmuxPod(name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: 'agent',
          image: TEST_IMAGE,
          command: ['sh', '-c', 'echo started; tmux new-session -d -s S -x 100 -y 30; exec sleep 3600'],
          ...extra,
        },
      ],
    },
  };
}

export function podRunning(pod: { status?: { phase?: string } } | undefined): boolean {
  return pod?.status?.phase === 'Running';
}

/** A GET against the test server, trusting its CA, with an optional bearer token. */
export function httpsGet(server: { url: string; caCertPath: string }, path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    const req = request(`${server.url}${path}`, { ca: readFileSync(server.caCertPath), headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
