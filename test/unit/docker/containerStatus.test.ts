import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { agentInfoFromContainer, handleFromContainer, statusFromContainer, type ContainerRow } from '../../../src/runtimes/docker/containerStatus';

const row = (over: Partial<ContainerRow> = {}): ContainerRow => ({
  Id: 'abcdef0123456789',
  Names: ['/tmux-agents-docker-a1'],
  State: 'running',
  Status: 'Up 5 minutes',
  Labels: {
    'tmux-agents': 'true',
    'tmux-agents.runtime-id': 'docker',
    'tmux-agents.agent-id': 'a1',
    'tmux-agents.session-name': 'ta-a1',
    'tmux-agents.ai-provider': 'gemini',
    'tmux-agents.created-at': '2026-01-02T03:04:05.000Z',
    'tmux-agents.workspace': '/home/me/p',
    'tmux-agents.user': '1000:1000',
    'tmux-agents.task': 'do it',
  },
  ...over,
});

describe('container status', () => {
  test('each Engine state maps to an agent status with a reason', () => {
    const s = (State: string, probe?: Parameters<typeof statusFromContainer>[1], Status = 'x') => statusFromContainer(row({ State, Status }), probe).status;
    assert.equal(s('created'), 'starting');
    assert.equal(s('restarting'), 'starting');
    assert.equal(s('running', { kind: 'alive' }), 'running');
    assert.equal(s('running', { kind: 'dead', exitStatus: 2 }), 'exited');
    assert.equal(s('running', { kind: 'missing' }), 'starting');
    assert.equal(s('running', { kind: 'error', message: 'timeout' }), 'unknown');
    assert.equal(s('paused'), 'stopped');
    assert.equal(s('exited'), 'stopped');
    assert.equal(s('removing'), 'stopped');
    assert.equal(s('dead'), 'failed');
    assert.equal(s('weird'), 'unknown');
    assert.deepEqual(statusFromContainer(row({ State: 'exited', Status: 'Exited (137) 3 seconds ago' })), { status: 'stopped', reason: 'the container is stopped (Exited (137) 3 seconds ago)' });
    assert.deepEqual(statusFromContainer(row(), { kind: 'dead', exitStatus: 2 }), { status: 'exited', reason: 'the agent process exited with status 2' });
  });

  test('handle and info come from the labels', () => {
    const h = handleFromContainer(row(), 'docker', 'docker');
    assert.deepEqual(h, { runtimeType: 'docker', runtimeId: 'docker', agentId: 'a1', sessionName: 'ta-a1', data: { containerId: 'abcdef0123456789', containerName: 'tmux-agents-docker-a1', user: '1000:1000' } });
    assert.deepEqual(agentInfoFromContainer(h!, row(), { status: 'running', reason: 'r' }), {
      handle: h,
      status: 'running',
      statusReason: 'r',
      createdAt: new Date('2026-01-02T03:04:05.000Z'),
      provider: 'gemini',
      taskSummary: 'do it',
      workingDirectory: '/home/me/p',
    });
    assert.equal(handleFromContainer(row({ Labels: { 'tmux-agents': 'true' } }), 'docker', 'docker'), undefined, 'hand-labelled containers are not agents');
    const bare = agentInfoFromContainer(h!, row({ Labels: { 'tmux-agents.created-at': 'garbage' } }), { status: 'running', reason: 'r' });
    assert.equal(bare.createdAt, undefined);
    assert.equal(bare.provider, 'unknown');
    assert.equal(bare.taskSummary, undefined);
  });
});
