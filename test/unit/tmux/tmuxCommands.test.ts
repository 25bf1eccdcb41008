import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SEP,
  capturePaneArgs,
  directCommand,
  escapeTmuxArg,
  escapeTmuxFormat,
  listSessionsArgs,
  newSessionArgs,
  paneTarget,
  pasteTextArgs,
  respawnPaneArgs,
  sendKeysArgs,
  sessionTarget,
  setOptionsArgs,
  tmuxArgv,
} from '../../../src/tmux/tmuxCommands';
import { tmuxParseArgv } from './fakeExecutor';

describe('escapeTmuxArg', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['plain', 'plain'],
    [';', '\\;'],
    ['a;', 'a\\;'],
    ['a;b', 'a;b'], // only a trailing ';' is special
    [';a', ';a'],
    ['a;;', 'a;\\;'],
    ['a\\;', 'a\\\\;'], // text that already ends in backslash-semicolon
    ['\\', '\\'],
    ['ünï;', 'ünï\\;'],
    ['line\n;', 'line\n\\;'],
  ];
  for (const [input, want] of cases) {
    test(`${JSON.stringify(input)} -> ${JSON.stringify(want)}`, () => {
      assert.equal(escapeTmuxArg(input), want);
    });
  }

  test('tmux reads every escaped argument back as the original, as one word of one command', () => {
    for (const [input] of cases) {
      assert.deepEqual(tmuxParseArgv(['x', escapeTmuxArg(input)]), [['x', input]], JSON.stringify(input));
    }
  });

  test('unescaped, a trailing ";" would split the command (why the escape exists)', () => {
    assert.deepEqual(tmuxParseArgv(['set-option', '@a', 'v;', 'kill-server']), [['set-option', '@a', 'v'], ['kill-server']]);
  });
});

describe('escapeTmuxFormat', () => {
  test('doubles every #, which tmux formats read as one literal #', () => {
    assert.equal(escapeTmuxFormat('/w/#{session_name}/#(touch x)/##'), '/w/##{session_name}/##(touch x)/####');
    assert.equal(escapeTmuxFormat('/plain/path'), '/plain/path');
  });
});

describe('tmuxArgv', () => {
  test('global args first, SEP becomes a bare ";", other args escaped', () => {
    assert.deepEqual(tmuxArgv(['-L', 'sock'], ['a', 'b;', SEP, 'c', ';']), ['tmux', '-L', 'sock', 'a', 'b\\;', ';', 'c', '\\;']);
  });
  test('without a socket', () => {
    assert.deepEqual(tmuxArgv([], ['list-sessions']), ['tmux', 'list-sessions']);
  });
});

describe('targets', () => {
  test('are exact matches', () => {
    assert.equal(sessionTarget('ta-x'), '=ta-x');
    assert.equal(paneTarget('ta-x'), '=ta-x:');
  });
});

describe('directCommand', () => {
  test('a one-word command gets env in front so tmux does not run it through sh -c', () => {
    assert.deepEqual(directCommand(['cat']), ['env', 'cat']);
    assert.deepEqual(directCommand(['sh', '-c', 'x']), ['sh', '-c', 'x']);
  });
});

describe('newSessionArgs', () => {
  test('minimal', () => {
    assert.deepEqual(newSessionArgs({ name: 'ta-a' }), ['new-session', '-d', '-s', 'ta-a']);
  });

  test('every option, in order, env as repeated -e, command after --', () => {
    assert.deepEqual(
      newSessionArgs({
        name: 'ta-a',
        cwd: '/home/u/my project',
        width: 200,
        height: 50,
        env: { A: '1', B_KEY: 'x y', EMPTY: '', SEMI: 'v;' },
        command: ['node', '/x/agent.mjs', '--flag'],
      }),
      ['new-session', '-d', '-s', 'ta-a', '-c', '/home/u/my project', '-x', '200', '-y', '50',
        '-e', 'A=1', '-e', 'B_KEY=x y', '-e', 'EMPTY=', '-e', 'SEMI=v;',
        '--', 'node', '/x/agent.mjs', '--flag'],
    );
  });

  test('a one-word command is wrapped with env', () => {
    assert.deepEqual(newSessionArgs({ name: 's', command: ['cat'] }), ['new-session', '-d', '-s', 's', '--', 'env', 'cat']);
  });

  test('an empty command adds no --', () => {
    assert.deepEqual(newSessionArgs({ name: 's', command: [] }), ['new-session', '-d', '-s', 's']);
  });

  test('the working directory is protected from format expansion (#(...) would run a command)', () => {
    const args = newSessionArgs({ name: 's', cwd: '/tmp/#(touch pwned) #{host}' });
    assert.deepEqual(args, ['new-session', '-d', '-s', 's', '-c', '/tmp/##(touch pwned) ##{host}']);
  });

  test('a trailing ";" in an env value survives tmux argument parsing', () => {
    const argv = tmuxArgv(['-L', 'x'], newSessionArgs({ name: 's', env: { V: 'a;' }, command: ['sh', '-c', 'echo;'] }));
    assert.deepEqual(argv, ['tmux', '-L', 'x', 'new-session', '-d', '-s', 's', '-e', 'V=a\\;', '--', 'sh', '-c', 'echo\\;']);
    assert.deepEqual(tmuxParseArgv(argv.slice(3)), [['new-session', '-d', '-s', 's', '-e', 'V=a;', '--', 'sh', '-c', 'echo;']]);
  });
});

describe('respawnPaneArgs', () => {
  test('kills the placeholder, exact pane target, cwd, env, command', () => {
    assert.deepEqual(
      respawnPaneArgs('ta-a', ['sh', '-c', 'node agent.mjs'], { cwd: '/w d', env: { K: 'v', L: 'line1\nline2' } }),
      ['respawn-pane', '-k', '-t', '=ta-a:', '-c', '/w d', '-e', 'K=v', '-e', 'L=line1\nline2', '--', 'sh', '-c', 'node agent.mjs'],
    );
  });
  test('without options; one-word command wrapped', () => {
    assert.deepEqual(respawnPaneArgs('s', ['claude']), ['respawn-pane', '-k', '-t', '=s:', '--', 'env', 'claude']);
  });
  test('cwd escapes formats', () => {
    assert.deepEqual(respawnPaneArgs('s', ['a', 'b'], { cwd: '#' }), ['respawn-pane', '-k', '-t', '=s:', '-c', '##', '--', 'a', 'b']);
  });
});

describe('setOptionsArgs', () => {
  test('one set-option per option, joined by separators, window options with -w', () => {
    const args = setOptionsArgs('ta-a', { '@tmux-agents': '1', '@tmux-agents.task': 'fix%20it' }, { 'remain-on-exit': 'on' });
    assert.deepEqual(args, [
      'set-option', '-t', '=ta-a:', '@tmux-agents', '1', SEP,
      'set-option', '-t', '=ta-a:', '@tmux-agents.task', 'fix%20it', SEP,
      'set-option', '-w', '-t', '=ta-a:', 'remain-on-exit', 'on',
    ]);
  });

  test('rendered: bare ";" separators; a value ending in ";" stays inside its command', () => {
    const argv = tmuxArgv(['-L', 'x'], setOptionsArgs('s', { '@a': 'v;', '@b': ';' }));
    assert.deepEqual(argv, ['tmux', '-L', 'x', 'set-option', '-t', '=s:', '@a', 'v\\;', ';', 'set-option', '-t', '=s:', '@b', '\\;']);
    assert.deepEqual(tmuxParseArgv(argv.slice(3)), [
      ['set-option', '-t', '=s:', '@a', 'v;'],
      ['set-option', '-t', '=s:', '@b', ';'],
    ]);
  });

  test('only window options: no leading separator', () => {
    assert.deepEqual(setOptionsArgs('s', {}, { 'remain-on-exit': 'on' }), ['set-option', '-w', '-t', '=s:', 'remain-on-exit', 'on']);
  });

  test('nothing to set: nothing', () => {
    assert.deepEqual(setOptionsArgs('s', {}), []);
  });
});

describe('listSessionsArgs', () => {
  test('one -F format, fields as #{...} joined by tabs', () => {
    assert.deepEqual(listSessionsArgs(['session_name', '@tmux-agents.agent-id', 'pane_dead']), [
      'list-sessions', '-F', '#{session_name}\t#{@tmux-agents.agent-id}\t#{pane_dead}',
    ]);
  });
});

describe('capturePaneArgs', () => {
  test('visible screen, joined lines', () => {
    assert.deepEqual(capturePaneArgs('ta-a'), ['capture-pane', '-p', '-J', '-t', '=ta-a:']);
  });
  test('last N lines of history and escapes', () => {
    assert.deepEqual(capturePaneArgs('ta-a', 500, true), ['capture-pane', '-p', '-J', '-t', '=ta-a:', '-e', '-S', '-500']);
  });
  test('negative line counts are clamped', () => {
    assert.deepEqual(capturePaneArgs('s', -5), ['capture-pane', '-p', '-J', '-t', '=s:', '-S', '0']);
  });
});

describe('pasteTextArgs', () => {
  test('load-buffer from stdin, then bracketed paste that keeps LF and deletes the buffer', () => {
    assert.deepEqual(pasteTextArgs('ta-a', 'buf1'), [
      'load-buffer', '-b', 'buf1', '-', SEP,
      'paste-buffer', '-p', '-r', '-d', '-b', 'buf1', '-t', '=ta-a:',
    ]);
    assert.deepEqual(tmuxParseArgv(tmuxArgv([], pasteTextArgs('ta-a', 'buf1')).slice(1)), [
      ['load-buffer', '-b', 'buf1', '-'],
      ['paste-buffer', '-p', '-r', '-d', '-b', 'buf1', '-t', '=ta-a:'],
    ]);
  });
});

describe('sendKeysArgs', () => {
  test('keys by name', () => {
    assert.deepEqual(sendKeysArgs('ta-a', ['C-c']), ['send-keys', '-t', '=ta-a:', 'C-c']);
    assert.deepEqual(sendKeysArgs('ta-a', ['Escape', 'Enter']), ['send-keys', '-t', '=ta-a:', 'Escape', 'Enter']);
  });
  test('literal text after -l --, so text starting with "-" is not a flag', () => {
    assert.deepEqual(sendKeysArgs('ta-a', ['-n hello'], true), ['send-keys', '-t', '=ta-a:', '-l', '--', '-n hello']);
  });
});
