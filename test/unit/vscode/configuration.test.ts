import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { stub } from '../../stubs/vscode/index';
import { readyTimeoutMs, runtimeSpecs } from '../../../src/vscode/configuration';

beforeEach(() => stub.reset());

test('the local runtime is always registered by default, then configured runtimes', () => {
  stub.settings.set('tmuxAgents.runtimes', [{ type: 'ssh', id: 'box', host: 'box.example' }, 'junk', null]);
  assert.deepEqual(runtimeSpecs(), [
    { type: 'local', id: 'local', label: 'Local', socketName: 'tmux-agents', tmuxConfigFile: '' },
    { type: 'ssh', id: 'box', host: 'box.example' },
  ]);
});

test('local can be turned off and its socket renamed', () => {
  stub.settings.set('tmuxAgents.local.enabled', false);
  assert.deepEqual(runtimeSpecs(), []);
  stub.settings.set('tmuxAgents.local.enabled', true);
  stub.settings.set('tmuxAgents.local.socketName', 'mine');
  assert.equal(runtimeSpecs()[0]!.socketName, 'mine');
});

test('timeouts are read in seconds and never zero', () => {
  assert.equal(readyTimeoutMs(), 60_000);
  stub.settings.set('tmuxAgents.readyTimeoutSeconds', 0);
  assert.equal(readyTimeoutMs(), 1_000);
});
