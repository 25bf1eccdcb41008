// The SSH runtime against a real sshd on a free loopback port (test/support/sshServer.ts),
// one shared connection, its own tmux socket. The "remote" host is this machine, so the
// fake agent's log and processes can be checked directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../src/core/log';
import { SshRuntime } from '../../../src/runtimes/ssh';
import { shellJoin } from '../../../src/tmux/shellQuote';
import { fakeAgentCommand, waitForMessages } from '../../../test/support/fakeAgent';
import { sshRuntime } from '../../../test/integration/ssh/sshHarness';
import { startSshServer } from '../../../test/support/sshServer';
import { killTmuxServer, onCleanup, runTag } from '../cleanup';
import { traceLog } from '../trace';
import { runCli } from './cli';
import { paneTreeGone } from './localEnv';
import { MINIMAL_AGENT, type BenchRuntime } from './types';

export async function createSshEnv(): Promise<BenchRuntime> {
  const srv = await startSshServer();
  const socketName = `${runTag}-ssh`;
  const dir = mkdtempSync(join(tmpdir(), `${runTag}-ssh-`));
  const state: { runtime?: SshRuntime; disposed?: boolean } = {};
  const dispose = async () => {
    if (state.disposed) return;
    state.disposed = true;
    state.runtime?.dispose();
    await killTmuxServer(socketName);
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  onCleanup('ssh runtime and sshd', dispose);
  const rt = sshRuntime(srv, socketName, {
    id: `${runTag}-ssh`,
    readyTimeoutMs: 60_000,
    logger: createLogger((level, msg) => traceLog(`${level} ${msg}`), 'ssh'),
  });
  state.runtime = rt;
  const logOf = (agentId: string) => join(dir, `${agentId}.log`);
  // The plain-CLI way: a new `ssh` process (and connection) per tmux command.
  const sshArgs = ['-F', '/dev/null', '-p', String(srv.port), '-i', srv.userKeyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${srv.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', `${srv.user}@${srv.host}`];
  return {
    name: 'ssh',
    runtime: rt,
    config: (agentId, kind, task) => ({
      agentId,
      aiProvider: 'custom',
      customCommand: kind === 'fake' ? fakeAgentCommand({ node: process.execPath }) : MINIMAL_AGENT,
      workingDirectory: dir,
      task,
      env: { FAKE_AGENT_LOG: logOf(agentId) },
    }),
    delivered: async (h, task) => (await waitForMessages(logOf(h.agentId), 1, 5_000).catch((): string[] => [])).includes(task),
    goneCheck: (h) => paneTreeGone(rt.getTmux(h), h.sessionName),
    cliTmux: {
      label: '`ssh host tmux …` process',
      run: async (_h, argv) => {
        await runCli('ssh', [...sshArgs, shellJoin(argv)]);
      },
    },
    dispose,
  };
}
