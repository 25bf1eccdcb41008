import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLAUDE_HOOK_BINDINGS,
  agentHookLaunch,
  claudeHookSettings,
  codexNotifyArgv,
  hookShellCommand,
  tomlStringArray,
  withAgentHooks,
} from '../../../src/status/agentHooks';

const SET = (state: string, event: string) =>
  `[ -n "$TMUX_PANE" ] && tmux set-option -p -t "$TMUX_PANE" @tmux-agents.hook-state ${state}` +
  ` \\; set-option -p -t "$TMUX_PANE" @tmux-agents.hook-at "$(date +%s)"` +
  ` \\; set-option -p -t "$TMUX_PANE" @tmux-agents.hook-event ${event} >/dev/null 2>&1 || true`;

describe('hook commands', () => {
  test('one tmux invocation sets state, time and event of the hook’s own pane', () => {
    assert.equal(hookShellCommand('waiting', 'Notification'), SET('waiting', 'Notification'));
  });

  test('only plain event names and known states are accepted (they are spliced into a shell command)', () => {
    assert.throws(() => hookShellCommand('waiting', 'x; rm -rf ~'), /Invalid hook event name/);
    assert.throws(() => hookShellCommand('sleeping' as never, 'Stop'), /Unknown hook state/);
  });
});

describe('Claude Code', () => {
  test('--settings with one hook per lifecycle event, exact', () => {
    const extra = agentHookLaunch('claude', ['claude', '--dangerously-skip-permissions']);
    assert.equal(extra.args.length, 2);
    assert.equal(extra.args[0], '--settings');
    assert.deepEqual(extra.env, {});
    const cmd = (state: string, event: string) => [{ type: 'command', command: SET(state, event), timeout: 10 }];
    assert.deepEqual(JSON.parse(extra.args[1]!), {
      hooks: {
        UserPromptSubmit: [{ hooks: cmd('working', 'UserPromptSubmit') }],
        PreToolUse: [{ matcher: '*', hooks: cmd('working', 'PreToolUse') }],
        PostToolUse: [{ matcher: '*', hooks: cmd('working', 'PostToolUse') }],
        PermissionRequest: [{ matcher: '*', hooks: cmd('waiting', 'PermissionRequest') }],
        Notification: [{ matcher: 'permission_prompt|elicitation_dialog', hooks: cmd('waiting', 'Notification') }],
        Stop: [{ hooks: cmd('idle', 'Stop') }],
        StopFailure: [{ hooks: cmd('idle', 'StopFailure') }],
        SessionEnd: [{ hooks: cmd('exited', 'SessionEnd') }],
      },
    });
    assert.deepEqual(claudeHookSettings(), JSON.parse(extra.args[1]!));
  });

  test('the mapping is the documented one', () => {
    assert.deepEqual(
      CLAUDE_HOOK_BINDINGS.map((b) => `${b.event}=${b.state}`),
      ['UserPromptSubmit=working', 'PreToolUse=working', 'PostToolUse=working', 'PermissionRequest=waiting', 'Notification=waiting', 'Stop=idle', 'StopFailure=idle', 'SessionEnd=exited'],
    );
  });

  test('appended to the launch argv, env untouched', () => {
    const launch = withAgentHooks('claude', { argv: ['npx', '@anthropic-ai/claude-code'], env: { A: '1' }, readyPattern: /x/ });
    assert.deepEqual(launch.argv.slice(0, 3), ['npx', '@anthropic-ai/claude-code', '--settings']);
    assert.deepEqual(launch.env, { A: '1' });
    assert.deepEqual(launch.readyPattern, /x/);
  });

  test('a user --settings or --bare is left alone', () => {
    assert.deepEqual(agentHookLaunch('claude', ['claude', '--settings', '/home/me/s.json']), { args: [], env: {}, skipped: 'the command already passes --settings' });
    assert.deepEqual(agentHookLaunch('claude', ['claude', '--settings={}']).args, []);
    assert.deepEqual(agentHookLaunch('claude', ['claude', '--bare']).args, []);
    const launch = { argv: ['claude', '--bare'], env: {} };
    assert.equal(withAgentHooks('claude', launch), launch);
  });
});

describe('Codex', () => {
  test('-c notify=[...] running sh with the notification JSON as $1, exact', () => {
    const extra = agentHookLaunch('codex', ['codex', '--dangerously-bypass-approvals-and-sandbox']);
    const script =
      `case "$1" in *'"type":"agent-turn-complete"'*) s=idle e=agent-turn-complete ;; *'"type":"approval-requested"'*) s=waiting e=approval-requested ;; *) exit 0 ;; esac; ` +
      SET('"$s"', '"$e"');
    assert.deepEqual(codexNotifyArgv(), ['sh', '-c', script, 'tmux-agents-notify']);
    assert.deepEqual(extra, { args: ['-c', `notify=${tomlStringArray(['sh', '-c', script, 'tmux-agents-notify'])}`], env: {} });
    // JSON strings are TOML basic strings: the value parses back to the argv.
    assert.deepEqual(JSON.parse(extra.args[1]!.slice('notify='.length)), codexNotifyArgv());
  });

  test('a notify already set on the command line is kept', () => {
    assert.deepEqual(agentHookLaunch('codex', ['codex', '-c', 'notify=["notify-send"]']).args, []);
  });
});

test('providers without hooks get nothing', () => {
  for (const p of ['gemini', 'aider', 'opencode', 'custom']) {
    const extra = agentHookLaunch(p, ['x']);
    assert.deepEqual([extra.args, extra.env], [[], {}], p);
    assert.ok(extra.skipped);
  }
});

// The commands run by a real shell against a stand-in `tmux` that records its argv: what
// tmux receives is exactly what the probe later reads.
describe('the hook commands in a shell', () => {
  let dir = '';
  let record = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hooks-'));
    record = join(dir, 'argv');
    writeFileSync(join(dir, 'tmux'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${record}"\n`);
    chmodSync(join(dir, 'tmux'), 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (argv: string[], env: Record<string, string>) => {
    rmSync(record, { force: true });
    const r = spawnSync(argv[0]!, argv.slice(1), { env: { PATH: `${dir}:/usr/bin:/bin`, ...env }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return existsSync(record) ? readFileSync(record, 'utf8').trimEnd().split('\n') : undefined;
  };
  const expected = (state: string, event: string, at: string) => [
    'set-option', '-p', '-t', '%7', '@tmux-agents.hook-state', state, ';',
    'set-option', '-p', '-t', '%7', '@tmux-agents.hook-at', at, ';',
    'set-option', '-p', '-t', '%7', '@tmux-agents.hook-event', event,
  ];

  test('Claude hook command', () => {
    const before = Math.floor(Date.now() / 1000);
    const argv = run(['sh', '-c', hookShellCommand('waiting', 'PermissionRequest')], { TMUX_PANE: '%7' })!;
    const at = Number(argv[12]);
    assert.ok(at >= before && at <= before + 5, `hook time ${argv[12]}`);
    assert.deepEqual(argv, expected('waiting', 'PermissionRequest', argv[12]!));
  });

  test('outside tmux the hook does nothing and still succeeds', () => {
    assert.equal(run(['sh', '-c', hookShellCommand('idle', 'Stop')], {}), undefined);
  });

  test('Codex notify: a finished turn is idle; other notifications and quoted text are ignored', () => {
    const [file, ...args] = codexNotifyArgv();
    const turn = JSON.stringify({ type: 'agent-turn-complete', 'turn-id': '1', 'input-messages': ['hi'], 'last-assistant-message': 'done' });
    const argv = run([file!, ...args, turn], { TMUX_PANE: '%7' })!;
    assert.deepEqual(argv, expected('idle', 'agent-turn-complete', argv[12]!));
    assert.equal(run([file!, ...args, JSON.stringify({ type: 'something-new' })], { TMUX_PANE: '%7' }), undefined);
    const sneaky = JSON.stringify({ type: 'other', 'last-assistant-message': '"type":"approval-requested"' });
    assert.equal(run([file!, ...args, sneaky], { TMUX_PANE: '%7' }), undefined);
  });
});
