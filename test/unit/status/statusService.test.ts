// StatusService against a scripted tmux: what it asks tmux (how often, what), and what it
// concludes. The real thing runs in test/integration/status/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RuntimeListing } from '../../../src/core/runtimeManager';
import type { AgentHandle, AgentInfo, AgentStatus } from '../../../src/core/types';
import { StatusService, type StatusTransition } from '../../../src/status/statusService';
import { buildScreenRules } from '../../../src/status/screenRules';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { RecordingExecutor, tmuxParseArgv } from '../tmux/fakeExecutor';

/** The tmux commands of an argv, past `tmux` and its global flags (-u, -L name, -S path). */
function commandsOf(argv: readonly string[]): string[][] {
  let i = 1;
  while (i < argv.length && /^-[uLS]$/.test(argv[i]!)) i += argv[i] === '-u' ? 1 : 2;
  return tmuxParseArgv(argv.slice(i));
}

const screen = (p: string) => readFileSync(resolve(import.meta.dirname, '../../fixtures/screens', p), 'utf8');

interface FakePane {
  dead?: boolean;
  deadStatus?: number;
  activity: number;
  hook?: { state: string; at: number; event: string };
  screen: string;
}

/** A tmux server as the executor sees it: answers display-message and capture-pane. */
class FakeTmuxServer {
  now = 1_795_600_000;
  panes = new Map<string, FakePane>();
  hang = false;
  readonly executor = new RecordingExecutor((argv) => this.answer(argv));
  readonly tmux = new TmuxService(this.executor, { socketName: 'agents' });

  private answer(argv: string[]) {
    if (this.hang) return new Promise<never>(() => undefined);
    const out: string[] = [];
    for (const cmd of commandsOf(argv)) {
      const target = cmd[cmd.indexOf('-t') + 1]!.replace(/^=|:$/g, '');
      const p = this.panes.get(target);
      if (cmd[0] === 'display-message') {
        const fields: Record<string, string> = p
          ? {
              session_name: target,
              pane_pid: '100',
              pane_dead: p.dead ? '1' : '0',
              pane_dead_status: p.deadStatus !== undefined ? String(p.deadStatus) : '',
              window_activity: String(p.activity),
              '@tmux-agents.hook-state': p.hook?.state ?? '',
              '@tmux-agents.hook-at': p.hook ? String(p.hook.at) : '',
              '@tmux-agents.hook-event': p.hook?.event ?? '',
            }
          : {};
        out.push(cmd.at(-1)!.replace('%s', String(this.now)).replace(/#\{([^}]+)\}/g, (_, f: string) => fields[f] ?? '') + '\n');
      } else if (cmd[0] === 'capture-pane') {
        if (!p) return { exitCode: 1, stderr: `can't find session: ${target}\n` };
        out.push(p.screen);
      }
    }
    return { stdout: out.join('') };
  }

  commands(): string[] {
    return this.executor.calls.map((c) => commandsOf(c.argv)[0]![0]!);
  }

  captures(): number {
    return this.commands().filter((c) => c === 'capture-pane').length;
  }
}

const handle = (agentId: string, runtimeId = 'local'): AgentHandle => ({ runtimeType: 'local', runtimeId, agentId, sessionName: `ta-${agentId}`, data: {} });
const agent = (agentId: string, provider = 'claude', status: AgentStatus = 'running', runtimeId = 'local'): AgentInfo => ({
  handle: handle(agentId, runtimeId),
  status,
  statusReason: 'the tmux pane is alive',
  provider,
  createdAt: new Date((1_795_600_000 - 3600) * 1000),
});
const listing = (agents: AgentInfo[], runtimeId = 'local', error?: string): RuntimeListing => ({ runtimeId, runtimeType: 'local', label: runtimeId, agents, error });
const statuses = (ls: RuntimeListing[]) => Object.fromEntries(ls.flatMap((l) => l.agents.map((a) => [a.handle.agentId, `${a.status}: ${a.statusReason}`])));

describe('StatusService', () => {
  test('50 idle agents: one tmux call per refresh, captures only the first time', async () => {
    const server = new FakeTmuxServer();
    const agents: AgentInfo[] = [];
    for (let i = 0; i < 50; i++) {
      server.panes.set(`ta-a${i}`, { activity: server.now - 600, screen: screen('claude/idle.txt') });
      agents.push(agent(`a${i}`));
    }
    const svc = new StatusService();
    const first = await svc.refine([listing(agents)], () => server.tmux);
    assert.deepEqual(first.stats, { probes: 1, captures: 50, probed: 50 });
    assert.ok(first.listings[0]!.agents.every((a) => a.status === 'idle' && a.statusReason === 'screen: input prompt'));

    server.executor.calls.length = 0;
    server.now += 5;
    const second = await svc.refine([listing(agents)], () => server.tmux);
    assert.deepEqual(second.stats, { probes: 1, captures: 0, probed: 50 });
    assert.deepEqual(server.commands(), ['display-message']);
    assert.equal(server.executor.calls[0]!.timeoutMs, 3000);
    assert.deepEqual(svc.totals, { probes: 2, captures: 50, probed: 100 });
    svc.dispose();
  });

  test('recheckInMs: the soonest time a shown status lapses by itself, plus a second; none when nothing lapses', async () => {
    const server = new FakeTmuxServer();
    server.panes.set('ta-a', { activity: server.now - 100, screen: screen('claude/idle.txt') });
    server.panes.set('ta-b', { activity: server.now - 100, screen: 'custom\n' });
    const svc = new StatusService();
    const list = [listing([agent('a'), agent('b', 'custom')])];
    const quiet = await svc.refine(list, () => server.tmux);
    assert.deepEqual(statuses(quiet.listings), { a: 'idle: screen: input prompt', b: 'running: no output for 1m' });
    assert.equal(quiet.recheckInMs, undefined);

    // b printed 2 s ago: output-based "working" lapses at 5 s, so look again in 3 + 1 s.
    server.panes.set('ta-b', { activity: server.now - 2, screen: 'custom\n' });
    const busy = await svc.refine(list, () => server.tmux);
    assert.equal(busy.listings[0]!.agents[1]!.status, 'working');
    assert.equal(busy.recheckInMs, 4000);
    svc.dispose();
  });

  test('a pane is captured again only when its output changed', async () => {
    const server = new FakeTmuxServer();
    server.panes.set('ta-a', { activity: server.now - 100, screen: screen('claude/idle.txt') });
    server.panes.set('ta-b', { activity: server.now - 100, screen: screen('claude/idle.txt') });
    const svc = new StatusService();
    const list = [listing([agent('a'), agent('b')])];
    await svc.refine(list, () => server.tmux);
    assert.equal(server.captures(), 2);

    server.now += 3;
    server.panes.set('ta-b', { activity: server.now, screen: screen('claude/working.txt') });
    const r = await svc.refine(list, () => server.tmux);
    assert.equal(server.captures(), 3, 'only b was captured again');
    assert.deepEqual(statuses(r.listings), { a: 'idle: screen: input prompt', b: 'working: screen: esc to interrupt' });
  });

  test('output in the same second as the capture is not missed: such a screen is read again', async () => {
    const server = new FakeTmuxServer();
    server.panes.set('ta-a', { activity: server.now, screen: screen('claude/working.txt') });
    const svc = new StatusService();
    await svc.refine([listing([agent('a')])], () => server.tmux);
    // Later in the same second the CLI finished; window_activity (whole seconds) did not move.
    server.panes.set('ta-a', { activity: server.now, screen: screen('claude/finished.txt') });
    server.now += 10;
    const r = await svc.refine([listing([agent('a')])], () => server.tmux);
    assert.equal(server.captures(), 2);
    assert.equal(r.listings[0]!.agents[0]!.status, 'idle');
  });

  test('no capture when a fresh hook or a dead pane decides, or the provider has no rules', async () => {
    const server = new FakeTmuxServer();
    server.panes.set('ta-h', { activity: server.now - 20, hook: { state: 'waiting', at: server.now - 20, event: 'Notification' }, screen: screen('claude/idle.txt') });
    server.panes.set('ta-d', { dead: true, deadStatus: 1, activity: server.now - 20, screen: screen('claude/exited.txt') });
    server.panes.set('ta-c', { activity: server.now - 200, screen: 'my-agent> ' });
    const svc = new StatusService();
    const r = await svc.refine([listing([agent('h'), agent('d'), agent('c', 'custom')])], () => server.tmux);
    assert.equal(server.captures(), 0);
    assert.deepEqual(statuses(r.listings), {
      h: 'waiting: Claude Code Notification hook 20s ago',
      d: 'exited: pane exited with status 1',
      c: 'running: no output for 3m',
    });
  });

  test('statuses the runtime decided (stopped container, dead pane, container being set up) are kept without a probe', async () => {
    const server = new FakeTmuxServer();
    const svc = new StatusService();
    const stopped = { ...agent('s', 'claude', 'stopped'), statusReason: 'container exited (code 0)' };
    const creating = { ...agent('c', 'claude', 'starting'), statusReason: 'the container is being set up' };
    const r = await svc.refine([listing([stopped, agent('x', 'claude', 'exited'), creating, agent('f', 'claude', 'failed')])], () => server.tmux);
    assert.equal(server.executor.calls.length, 0);
    assert.deepEqual(statuses(r.listings), {
      s: 'stopped: container exited (code 0)',
      x: 'exited: the tmux pane is alive',
      c: 'starting: the container is being set up',
      f: 'failed: the tmux pane is alive',
    });
  });

  test('a probe that times out makes only the agents of that tmux server unknown', async () => {
    const good = new FakeTmuxServer();
    good.panes.set('ta-a', { activity: good.now - 100, screen: screen('gemini/trust-dialog.txt') });
    const stuck = new FakeTmuxServer();
    stuck.hang = true;
    const svc = new StatusService({ probeTimeoutMs: 50 });
    const started = Date.now();
    const r = await svc.refine([listing([agent('a', 'gemini')]), listing([agent('b', 'gemini', 'running', 'box')], 'box')], (h) => (h.runtimeId === 'box' ? stuck.tmux : good.tmux));
    assert.ok(Date.now() - started < 2000, 'the refresh is not held up');
    assert.deepEqual(statuses(r.listings), { a: 'waiting: screen: trust dialog', b: 'unknown: status probe timed out after 50 ms' });
  });

  test('a failing tmux call, a vanished session and a missing runtime are unknown with the reason', async () => {
    const server = new FakeTmuxServer();
    server.panes.set('ta-a', { activity: server.now - 100, screen: screen('claude/idle.txt') });
    const svc = new StatusService();
    const r = await svc.refine([listing([agent('a'), agent('gone'), agent('z', 'claude', 'running', 'nowhere')])], (h) => {
      if (h.runtimeId === 'nowhere') throw new Error('No runtime "nowhere" is registered.');
      return server.tmux;
    });
    assert.deepEqual(statuses(r.listings), {
      a: 'idle: screen: input prompt',
      gone: 'unknown: tmux session ta-gone was not found (the agent may just have ended)',
      z: 'unknown: no tmux access: No runtime "nowhere" is registered.',
    });

    const failing = new TmuxService(new RecordingExecutor(() => ({ exitCode: 1, stderr: 'no server running on /tmp/tmux-0/agents\n' })), { socketName: 'agents' });
    const r2 = await svc.refine([listing([agent('a')])], () => failing);
    assert.match(r2.listings[0]!.agents[0]!.statusReason!, /^status probe failed: No tmux server is running/);
  });

  test('transitions: reported once, never on first sight, never to or from unknown', async () => {
    const server = new FakeTmuxServer();
    const svc = new StatusService({ probeTimeoutMs: 50 });
    const seen: StatusTransition[] = [];
    const sub = svc.onDidTransition((t) => seen.push(t));
    const list = [listing([agent('a')])];
    const step = async (s: string, act = 0) => {
      server.now += 10;
      server.panes.set('ta-a', { activity: server.now - act, screen: screen(s) });
      return (await svc.refine(list, () => server.tmux)).transitions;
    };

    assert.deepEqual(await step('claude/working.txt'), []);
    const t1 = await step('claude/permission-prompt.txt', 1);
    assert.deepEqual(t1.map((t) => [t.from, t.to, t.reason]), [['working', 'waiting', 'screen: permission prompt']]);
    assert.deepEqual(t1[0]!.handle, handle('a'));
    assert.equal(t1[0]!.provider, 'claude');
    // A probe timeout in between: unknown, and no transition out of or back into waiting.
    server.hang = true;
    assert.deepEqual(await svc.refine(list, () => server.tmux).then((r) => [r.transitions, r.listings[0]!.agents[0]!.status]), [[], 'unknown']);
    server.hang = false;
    assert.deepEqual(await step('claude/permission-prompt.txt', 12), []);
    assert.deepEqual((await step('claude/finished.txt', 1)).map((t) => `${t.from}->${t.to}`), ['waiting->idle']);
    assert.deepEqual(seen.map((t) => `${t.from}->${t.to}`), ['working->waiting', 'waiting->idle']);

    sub.dispose();
    assert.deepEqual((await step('claude/working.txt', 1)).map((t) => `${t.from}->${t.to}`), ['idle->working']);
    assert.equal(seen.length, 2, 'a disposed listener hears nothing');
    svc.dispose();
  });

  test('an agent that went away is forgotten; one whose runtime failed to list is not', async () => {
    const server = new FakeTmuxServer();
    server.panes.set('ta-a', { activity: server.now - 100, screen: screen('claude/idle.txt') });
    const svc = new StatusService();
    await svc.refine([listing([agent('a')])], () => server.tmux);
    // Listing failed: the agent is not in it, but it still exists; when it is back, no capture and no transition.
    await svc.refine([listing([], 'local', 'timed out')], () => server.tmux);
    server.now += 5;
    const r = await svc.refine([listing([agent('a')])], () => server.tmux);
    assert.equal(r.stats.captures, 0);
    // Gone from a good listing: forgotten, so its return is a first sight (captured, no transition).
    await svc.refine([listing([])], () => server.tmux);
    server.panes.set('ta-a', { activity: server.now - 100, screen: screen('claude/working.txt') });
    const back = await svc.refine([listing([agent('a')])], () => server.tmux);
    assert.equal(back.stats.captures, 1);
    assert.deepEqual(back.transitions, []);
  });

  test('rules can be replaced at run time (settings changed)', async () => {
    const server = new FakeTmuxServer();
    server.panes.set('ta-c', { activity: server.now - 100, screen: 'Deploy to prod? [y/N] ' });
    const svc = new StatusService();
    const list = [listing([agent('c', 'custom')])];
    assert.equal((await svc.refine(list, () => server.tmux)).listings[0]!.agents[0]!.status, 'running');
    svc.setRules(buildScreenRules({ custom: { waiting: ['\\[y/N\\]\\s*$'] } }));
    const r = await svc.refine(list, () => server.tmux);
    assert.equal(r.listings[0]!.agents[0]!.statusReason, 'screen: custom rule /\\[y/N\\]\\s*$/');
    assert.equal(server.commands().at(-1), 'capture-pane');
  });
});
