import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import type { AgentHandle } from '../../../src/core/types';
import { DockerRuntime, dockerAttachArgv } from '../../../src/runtimes/docker';
import { parseDockerHost } from '../../../src/runtimes/docker/dockerSocket';

const handle = (over: Partial<AgentHandle> = {}): AgentHandle => ({
  runtimeType: 'docker',
  runtimeId: 'docker',
  agentId: 'fix-login',
  sessionName: 'ta-fix-login',
  data: { containerId: 'f00d', containerName: 'tmux-agents-docker-fix-login', user: '1234:1234' },
  ...over,
});

describe('Docker attach command', () => {
  test('default daemon: no -H; the user tmux runs as; exact session target', () => {
    assert.deepEqual(dockerAttachArgv(parseDockerHost('/var/run/docker.sock', 'default'), 'c1', '1000:1000', 'ta-a'), [
      'docker', 'exec', '-it', '-u', '1000:1000', 'c1', 'tmux', '-L', 'tmux-agents', 'attach-session', '-t', '=ta-a',
    ]);
  });

  test('a non-default daemon is named with -H, a context with --context', () => {
    assert.deepEqual(dockerAttachArgv(parseDockerHost('tcp://box:2375', 'setting'), 'c1', '1000:1000', 'ta-a').slice(0, 4), ['docker', '-H', 'tcp://box:2375', 'exec']);
    const ctx = { ...parseDockerHost('unix:///c.sock', 'context'), contextName: 'colima', cliArgs: ['--context', 'colima'] };
    assert.deepEqual(dockerAttachArgv(ctx, 'c1', '1000:1000', 'ta-a').slice(0, 4), ['docker', '--context', 'colima', 'exec']);
  });

  test('the runtime renders it from the handle, with nothing to quote: it is an argv', () => {
    const rt = new DockerRuntime({ id: 'docker', socketPath: '/tmp/my docker.sock' });
    try {
      assert.deepEqual(rt.getAttachCommand(handle()).argv, [
        'docker', '-H', 'unix:///tmp/my docker.sock', 'exec', '-it', '-u', '1234:1234', 'tmux-agents-docker-fix-login',
        'tmux', '-L', 'tmux-agents', 'attach-session', '-t', '=ta-fix-login',
      ]);
      // A bare handle (no runtime data) falls back to the deterministic name and the default user.
      assert.deepEqual(rt.getAttachCommand(handle({ data: {} })).argv.slice(5, 8), ['-u', '1000:1000', 'tmux-agents-docker-fix-login']);
      assert.throws(() => rt.getAttachCommand(handle({ runtimeId: 'other' })), (e) => isTmuxAgentsError(e, 'invalid-input') && /belongs to runtime "other"/.test((e as Error).message));
      assert.equal(rt.label, 'Docker (/tmp/my docker.sock)');
    } finally {
      rt.dispose();
    }
  });

  test('constructing a runtime touches no daemon and reports bad settings at once', () => {
    const rt = new DockerRuntime({ id: 'docker', socketPath: '/nonexistent/docker.sock' });
    rt.dispose();
    assert.throws(() => new DockerRuntime({ id: 'bad id' }), (e) => isTmuxAgentsError(e, 'invalid-input'));
    assert.throws(() => new DockerRuntime({ id: 'd', defaultMemory: 10 }), (e) => isTmuxAgentsError(e, 'invalid-input') && /defaultMemory/.test((e as Error).message));
    assert.throws(() => new DockerRuntime({ id: 'd', credentialMounts: ['../etc'] }), (e) => isTmuxAgentsError(e, 'invalid-input') && /not a path inside the home folder/.test((e as Error).message));
    // A broken discovery is reported by every call, so the tree can show it.
    const broken = new DockerRuntime({ id: 'd', socketPath: 'nonsense' });
    assert.throws(() => broken.getAttachCommand(handle({ runtimeId: 'd' })), (e) => isTmuxAgentsError(e, 'invalid-input') && /neither an absolute path nor a URL/.test((e as Error).message));
    broken.dispose();
  });
});
