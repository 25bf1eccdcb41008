// Status detection through real tmux on a private socket: the replay agent shows real
// captured screens, the local runtime lists it, StatusService decides.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { LocalProcessExecutor } from '../../../src/runtimes/local/localProcessExecutor';
import { LocalRuntime } from '../../../src/runtimes/local/localRuntime';
import { hookShellCommand } from '../../../src/status/agentHooks';
import { labelOptions } from '../../../src/tmux/sessionLabels';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { FIXTURES, StatusWatcher, eventually, replayAsClaude } from './statusHarness';

const SOCKET = `ta-it-status-${basename(import.meta.filename, '.test.ts')}-${process.pid}`;

async function killServer(): Promise<void> {
  await new LocalProcessExecutor().exec(['tmux', '-L', SOCKET, 'kill-server'], { timeoutMs: 5_000 }).catch(() => undefined);
  rmSync(join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid!()}`, SOCKET), { force: true });
}

function runtime(steps: string[]): LocalRuntime {
  return new LocalRuntime({ id: 'local', socketName: SOCKET, providers: replayAsClaude(steps), readyTimeoutMs: 10_000, commandTimeoutMs: 5_000 });
}

describe('status of local agents, through real tmux', () => {
  let cwd = '';
  before(async () => {
    await killServer();
    cwd = mkdtempSync(join(tmpdir(), 'ta-it-status-'));
    // Keeps the server up between tests: a spawn racing the exit of a server whose last
    // session was just killed fails with "server exited unexpectedly" (tmux 3.3a).
    await new TmuxService(new LocalProcessExecutor(), { socketName: SOCKET }).newSession({ name: 'keepalive', command: ['cat'] });
  });
  after(async () => {
    await killServer();
    rmSync(cwd, { recursive: true, force: true });
  });

  test('starting -> working -> waiting -> idle -> exited, each from the screen the CLI shows', async () => {
    const rt = runtime(['claude/starting-banner.txt', '+claude/working.txt', 'claude/permission-prompt.txt', 'claude/finished.txt', 'exit:0']);
    const w = new StatusWatcher([rt]);
    try {
      const h = await rt.spawnAgent({ agentId: 'replay-a', aiProvider: 'claude', workingDirectory: cwd });
      const tmux = rt.getTmux(h);
      const next = () => tmux.sendKeys(h.sessionName, 'Enter');

      await w.waitFor('replay-a', 'starting', { reason: /^started \d+s ago, no status signal yet$/ });
      await next();
      await w.waitFor('replay-a', 'working', { reason: /^screen: esc to interrupt$/ });
      await next();
      await w.waitFor('replay-a', 'waiting', { reason: /^screen: permission prompt$/ });
      await next();
      await w.waitFor('replay-a', 'idle', { reason: /^screen: input prompt$/ });
      await next();
      // Said by the listing or by the probe, whichever saw the dead pane first.
      // tmux 3.3a sometimes reaps the pane before it learns the exit status; both are honest.
      await w.waitFor('replay-a', 'exited', { reason: /^(the agent process|pane) exited( with status 0| \(tmux has not reported its exit status\))$/ });

      assert.deepEqual(w.transitionsOf('replay-a'), ['starting->working', 'working->waiting', 'waiting->idle', 'idle->exited']);
      const waiting = w.transitions.find((t) => t.to === 'waiting')!;
      assert.deepEqual([waiting.handle.runtimeId, waiting.handle.sessionName, waiting.provider], ['local', 'ta-replay-a', 'claude']);
    } finally {
      w.dispose();
      await rt.killAgent({ runtimeType: 'local', runtimeId: 'local', agentId: 'replay-a', sessionName: 'ta-replay-a', data: {} }).catch(() => undefined);
    }
  });

  test("the agent's own hook, run inside its pane, decides over the screen; a stale working hook falls back", async () => {
    // The exact commands Claude Code runs for us, run by the replay agent inside its pane
    // (where $TMUX and $TMUX_PANE are set, as for a real hook).
    const rt = runtime([
      'claude/starting-banner.txt',
      'claude/idle.txt',
      `run:${hookShellCommand('waiting', 'Notification')}`,
      'claude/idle.txt',
      `run:${hookShellCommand('working', 'UserPromptSubmit')}`,
      '+claude/working.txt',
      // Esc in the real CLI: the prompt comes back and no hook fires.
      'claude/interrupted.txt',
      `run:${hookShellCommand('idle', 'Stop')}`,
      'claude/finished.txt',
    ]);
    // A short quiet time, so the stale "working" hook is seen without a long wait.
    const w = new StatusWatcher([rt], { detector: { hook: { workingQuietSec: 2, settleSec: 5 } } });
    try {
      const h = await rt.spawnAgent({ agentId: 'hooked', aiProvider: 'claude', workingDirectory: cwd });
      const tmux = rt.getTmux(h);
      const next = () => tmux.sendKeys(h.sessionName, 'Enter');
      await next();
      await w.waitFor('hooked', 'idle', { reason: /^screen: input prompt$/ });

      await next();
      // Same idle screen, but the Notification hook said "waiting".
      await w.waitFor('hooked', 'waiting', { reason: /^Claude Code Notification hook \d+s ago$/ });
      // What tmux holds, read behind the code's back.
      const raw = new TmuxService(new LocalProcessExecutor(), { socketName: SOCKET });
      assert.equal(await raw.showOption(h.sessionName, '@tmux-agents.hook-state').catch(() => undefined), undefined, 'a pane option, not a session one');
      const paneOpts = await raw.run(['show-options', '-p', '-t', `=${h.sessionName}:`]);
      assert.match(paneOpts, /^@tmux-agents\.hook-state waiting$/m);
      assert.match(paneOpts, /^@tmux-agents\.hook-event Notification$/m);

      await next();
      await w.waitFor('hooked', 'working', { reason: /^Claude Code UserPromptSubmit hook \d+s ago$/ });
      await next();
      // No hook for the interrupt: once output stops the working hook is stale and the screen decides.
      await w.waitFor('hooked', 'idle', { reason: /^screen: input prompt$/ });
      await next();
      await w.waitFor('hooked', 'idle', { reason: /^Claude Code Stop hook \d+s ago$/ });

      // The first look may still have caught the banner (starting).
      assert.deepEqual(w.transitionsOf('hooked').filter((t) => t !== 'starting->idle'), ['idle->waiting', 'waiting->working', 'working->idle']);
    } finally {
      w.dispose();
      await rt.killAgent({ runtimeType: 'local', runtimeId: 'local', agentId: 'hooked', sessionName: 'ta-hooked', data: {} }).catch(() => undefined);
    }
  });

  test('50 idle agents: after the first look, a refresh is one tmux call and no capture', async (t) => {
    const rt = runtime([]);
    const tmux = rt.getTmux({ runtimeType: 'local', runtimeId: 'local', agentId: 'x', sessionName: 'x', data: {} });
    const idle = join(FIXTURES, 'screens/claude/idle.txt');
    const script = join(cwd, 'show-idle.sh');
    // A cheap stand-in for an idle CLI: draw the idle screen once, then block.
    writeFileSync(script, `printf '%s' "$(cat '${idle}')"; exec cat\n`);
    const n = 50;
    for (let i = 0; i < n; i++) {
      const name = `ta-idle-${i}`;
      await tmux.newSession({ name, cwd, width: 200, height: 50, command: ['cat'] });
      await tmux.setOptions(name, labelOptions({ agentId: `idle-${i}`, runtimeId: 'local', provider: 'claude', createdAt: new Date(Date.now() - 3_600_000), cwd }), { 'remain-on-exit': 'on' });
      await tmux.respawnPane(name, ['sh', script], { cwd });
    }
    const w = new StatusWatcher([rt]);
    try {
      await eventually('all 50 idle', async () => ((await w.refresh()).filter((a) => a.status === 'idle').length === n ? true : undefined));
      // Let the second of the last output pass: a capture in the same second is repeated once.
      await eventually('a quiet second', async () => {
        const r = await w.service.refine(await w.manager.listAllAgents(), (h) => w.manager.getTmux(h));
        return r.stats.captures === 0 ? true : undefined;
      });
      const started = performance.now();
      const r = await w.service.refine(await w.manager.listAllAgents(), (h) => w.manager.getTmux(h));
      const ms = performance.now() - started;
      assert.deepEqual(r.stats, { probes: 1, captures: 0, probed: n });
      assert.ok(r.listings[0]!.agents.every((a) => a.status === 'idle' && a.statusReason === 'screen: input prompt'));
      // One local tmux process for 50 agents; generous bound for a loaded CI machine.
      assert.ok(ms < 1000, `refine of 50 idle agents took ${ms.toFixed(0)} ms`);
      t.diagnostic(`refine of ${n} idle agents: ${ms.toFixed(1)} ms, ${r.stats.probes} tmux call, ${r.stats.captures} captures`);
    } finally {
      w.dispose();
      for (let i = 0; i < n; i++) await tmux.killSession(`ta-idle-${i}`).catch(() => undefined);
    }
  });
});
