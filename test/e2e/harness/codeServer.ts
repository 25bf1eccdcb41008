// Starts a real VS Code (code-server, installed by scripts/setup/code-server.sh) on a loopback
// port, with throwaway user data and extensions directories and one extension installed.
//
//   const server = await startCodeServer({ vsixPath: 'dist/tmux-agents.vsix', workspaceFolder });
//   ... openWorkbench(server.url) ...
//   await server.stop();
//
// Nothing is shared between two servers: each gets its own port (the kernel picks it), user
// data, extensions, config file and XDG_DATA_HOME (code-server keeps its heartbeat and rotating
// logs there; by default that is ~/.local/share/code-server).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { killGroup, startWatchdog } from './processes.ts';

export { startWatchdog } from './processes.ts';

export const repoRoot = resolve(import.meta.dirname, '../../..');

export interface StartCodeServerOptions {
  /** A packaged extension, installed with `code-server --install-extension`. */
  vsixPath?: string;
  /** An unpacked extension (a folder with package.json), copied in as PUBLISHER.NAME-VERSION. */
  extensionDir?: string;
  /** The folder VS Code opens. Must exist. */
  workspaceFolder: string;
  /** User settings, merged over the harness defaults (see DEFAULT_SETTINGS). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server, hence for the extension host and its terminals. */
  env?: Record<string, string>;
  /** Deadline for the server to serve the workbench (default 60 s). */
  startTimeoutMs?: number;
  /** Keep the temp directories after stop() (also: E2E_KEEP_TEMP=1), for debugging. */
  keepTemp?: boolean;
}

export interface CodeServer {
  /** The workbench URL with the workspace folder opened: give it to openWorkbench(). */
  url: string;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** Milliseconds from spawning code-server to the workbench HTML being served. */
  startupMs: number;
  /** Milliseconds spent installing the extension (--install-extension or the copy). */
  installMs: number;
  /** code-server's own stdout and stderr so far (the last ~1 MB). */
  logs(): string;
  /** VS Code's log files (server, extension host, pty host...) under the user data dir. */
  vscodeLogs(): string;
  /** Stops the process group it started, waits for it to be gone, removes the temp dirs. */
  stop(): Promise<void>;
}

/** Settings that make the workbench testable: terminal text in the DOM, no startup editor,
 *  no trust prompt, no telemetry, no update or recommendation pop-ups. */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.enablePersistentSessions': false,
  // "Some keybindings don't go to the terminal by default..." toast on the first terminal focus.
  'terminal.integrated.showTerminalConfigPrompt': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
};

const LOG_LIMIT = 1_000_000;

/** The installed code-server's entry point; a clear error when scripts/setup/code-server.sh has
 *  not been run. CODE_SERVER_DIR overrides the install directory, as in that script. */
export function codeServerEntry(): string {
  const dir = process.env.CODE_SERVER_DIR ?? join(repoRoot, '.cache', 'code-server');
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(join(dir, '.install-complete')) || !existsSync(entry)) {
    throw new Error(`code-server is not installed in ${dir}: run \`bash scripts/setup/code-server.sh\` first`);
  }
  return entry;
}

/** The environment code-server runs with: ours minus what would change its behaviour. */
function serverEnv(tmp: string, extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    // VSCODE_IPC_HOOK_CLI (set in VS Code's terminals) makes code-server hand the folder to that
    // VS Code and exit; NODE_OPTIONS / NODE_TEST_CONTEXT come from the test runner.
    if (key.startsWith('VSCODE_') || key === 'NODE_OPTIONS' || key === 'NODE_TEST_CONTEXT' || key === 'ELECTRON_RUN_AS_NODE') {
      delete env[key];
    }
  }
  env.XDG_DATA_HOME = join(tmp, 'xdg-data');
  return { ...env, ...extra };
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Copies an unpacked extension to where VS Code looks for installed ones. */
function copyExtension(extensionDir: string, extensionsDir: string): string {
  const manifestPath = join(extensionDir, 'package.json');
  if (!existsSync(manifestPath)) throw new Error(`extensionDir ${extensionDir} has no package.json`);
  const { publisher, name, version } = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>;
  if (!publisher || !name || !version) {
    throw new Error(`${manifestPath} needs publisher, name and version (has ${publisher}.${name}@${version})`);
  }
  const dest = join(extensionsDir, `${publisher}.${name}-${version}`.toLowerCase());
  cpSync(extensionDir, dest, { recursive: true, filter: (src) => !src.endsWith('/.git') });
  return dest;
}

function installVsix(entry: string, vsixPath: string, baseArgs: string[], env: NodeJS.ProcessEnv): void {
  if (!existsSync(vsixPath)) throw new Error(`vsix not found: ${vsixPath}`);
  const r = spawnSync(process.execPath, [entry, ...baseArgs, '--install-extension', resolve(vsixPath)], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error || r.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(
      `code-server --install-extension ${vsixPath} failed (${r.error?.message ?? `exit ${r.status}`}):\n${tail(output)}`,
    );
  }
}

function readLogTree(dir: string): string {
  if (!existsSync(dir)) return '';
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.log')) out.push(`===== ${p.slice(dir.length + 1)}\n${readFileSync(p, 'utf8')}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

export async function startCodeServer(options: StartCodeServerOptions): Promise<CodeServer> {
  const entry = codeServerEntry();
  const workspaceFolder = resolve(options.workspaceFolder);
  if (!existsSync(workspaceFolder) || !statSync(workspaceFolder).isDirectory()) {
    throw new Error(`workspaceFolder ${workspaceFolder} is not a directory`);
  }
  const keepTemp = options.keepTemp ?? process.env.E2E_KEEP_TEMP === '1';
  const tmp = mkdtempSync(join(tmpdir(), 'e2e-code-server-'));
  const userDataDir = join(tmp, 'user-data');
  const extensionsDir = join(tmp, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2),
  );
  const env = serverEnv(tmp, options.env);
  // --config: a missing config file is created with a generated password; keep it out of ~.
  const baseArgs = ['--config', join(tmp, 'config.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const removeTemp = () => {
    if (!keepTemp) rmSync(tmp, { recursive: true, force: true });
  };

  const installStarted = Date.now();
  try {
    if (options.vsixPath) installVsix(entry, options.vsixPath, baseArgs, env);
    if (options.extensionDir) copyExtension(options.extensionDir, extensionsDir);
  } catch (e) {
    removeTemp();
    throw e;
  }
  const installMs = Date.now() - installStarted;

  const started = Date.now();
  // Port 0: the kernel picks a free port and code-server logs the address it listens on, so
  // parallel runs cannot collide. detached: its own process group, which stop() kills.
  const child = spawn(
    process.execPath,
    [
      entry,
      ...baseArgs,
      '--auth', 'none',
      '--bind-addr', '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--ignore-last-opened',
      workspaceFolder,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Whatever way this process ends (a forgotten stop(), an uncaught error, Ctrl+C, SIGKILL), the
  // watchdog kills the group and removes the temp dir. Unref'd, so a test that forgot stop()
  // still exits instead of hanging on code-server's pipes.
  const disarmWatchdog = startWatchdog({ pgid: child.pid!, dirs: keepTemp ? [] : [tmp] });
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref(): void }).unref();
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let spawnError: Error | undefined;
  child.on('error', (e) => {
    spawnError = e;
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      disarmWatchdog();
      await killGroup(child);
    } finally {
      removeTemp();
    }
  };

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = started + timeoutMs;
  let baseUrl: string | undefined;
  let url = '';
  let last = 'code-server has not logged its address yet';
  try {
    for (;;) {
      if (spawnError) throw new Error(`could not spawn code-server: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`code-server exited during startup (${child.exitCode ?? child.signalCode})`);
      }
      if (Date.now() > deadline) throw new Error(`code-server did not serve the workbench within ${timeoutMs / 1000} s (${last})`);
      if (!baseUrl) {
        baseUrl = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(log)?.[1];
        if (baseUrl) url = `${baseUrl}/?folder=${encodeURIComponent(workspaceFolder)}`;
      }
      if (baseUrl) {
        // The first request makes code-server load VS Code's server; the answer is the
        // workbench page once that is done.
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(1, Math.min(10_000, deadline - Date.now()))) });
          const html = await res.text();
          if (res.status === 200 && html.includes('workbench.js')) break;
          last = `GET ${url}: HTTP ${res.status}`;
        } catch (e) {
          last = `GET ${url}: ${(e as Error).message}`;
        }
      }
      await delay(100);
    }
  } catch (e) {
    await stop().catch(() => undefined);
    throw new Error(`${(e as Error).message}\n--- code-server log (last lines):\n${tail(log)}`);
  }

  return {
    url,
    baseUrl: baseUrl!,
    port: Number(new URL(baseUrl!).port),
    userDataDir,
    extensionsDir,
    startupMs: Date.now() - started,
    installMs,
    logs: () => log,
    vscodeLogs: () => readLogTree(join(userDataDir, 'logs')),
    stop,
  };
}
