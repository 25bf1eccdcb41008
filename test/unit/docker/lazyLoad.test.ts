import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

// Activation constructs runtimes from settings; dockerode (and docker-modem, ssh2) must
// only load when a runtime first talks to a daemon.
test('importing, constructing and registering (subscribing to) a Docker runtime does not load dockerode; first use does', () => {
  const script = `
    const { DockerRuntime } = require('./src/runtimes/docker/index.ts');
    const loaded = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/dockerode/'));
    const rt = new DockerRuntime({ id: 'lazy', socketPath: '/nonexistent/docker.sock' });
    rt.onDidChangeAgents(() => undefined); // what RuntimeManager.register does
    rt.getAttachCommand({ runtimeType: 'docker', runtimeId: 'lazy', agentId: 'a', sessionName: 'ta-a', data: {} });
    const before = loaded();
    rt.ping().catch(() => undefined).then(() => { console.log(JSON.stringify({ before, after: loaded() })); rt.dispose(); });
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { before: false, after: true });
});
