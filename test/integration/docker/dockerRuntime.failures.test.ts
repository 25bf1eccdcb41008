// DockerRuntime failures against the real daemon: each says what failed and what to do, and
// none leaves a container behind. Plus the optional hardening: read-only root filesystem,
// credential mounts, the extra CA bundle.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TmuxAgentsError, isTmuxAgentsError } from '../../../src/core/errors';
import { DockerRuntime } from '../../../src/runtimes/docker';
import { waitForMessages } from '../../support/fakeAgent';
import {
  cleanupRuntime,
  containersOf,
  docker,
  fakeAgentConfig,
  makeWorkspace,
  newRuntime,
  removeDir,
  requireDockerAndImage,
  uniqueId,
  waitFor,
} from './dockerTestSupport';

const RUNTIME = uniqueId('it-fail');
let rt: DockerRuntime;
let ws: string;
const dirs: string[] = [];

before(async () => {
  await requireDockerAndImage();
  ws = makeWorkspace('fail');
  rt = newRuntime(RUNTIME);
});

after(async () => {
  rt?.dispose();
  try {
    await cleanupRuntime(RUNTIME);
  } finally {
    for (const d of [ws, ...dirs]) if (d) removeDir(d);
  }
});

function nothingLeft(): void {
  assert.deepEqual(containersOf(RUNTIME), [], 'a failed spawn left a container');
}

function expectError(code: TmuxAgentsError['code'], ...patterns: RegExp[]) {
  return (e: unknown) => {
    assert.ok(isTmuxAgentsError(e, code), `expected a ${code} error, got: ${e instanceof TmuxAgentsError ? e.code : ''} ${String(e)}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  };
}

describe('DockerRuntime failures', () => {
  test('a missing image is reported with the build command, and nothing is created', async () => {
    const other = newRuntime(RUNTIME, { image: 'tmux-agents-base:no-such-tag' });
    try {
      await assert.rejects(
        other.spawnAgent(fakeAgentConfig('no-image', ws)),
        expectError('image-not-found', /^image not found: tmux-agents-base:no-such-tag/, /Build the image: cd docker && \.\/build\.sh/),
      );
    } finally {
      other.dispose();
    }
    nothingLeft();
  });

  test('an unreachable socket makes ping, list and spawn fail with how to start Docker', async () => {
    const sock = join(tmpdir(), `${uniqueId('nosock')}.sock`);
    const dead = newRuntime(RUNTIME, { socketPath: sock });
    try {
      const unreachable = expectError('runtime-unreachable', new RegExp(`Docker daemon is not reachable at unix://${sock}: no socket at ${sock}`), /the runtime's socketPath setting points there/i);
      await assert.rejects(dead.ping(), unreachable);
      await assert.rejects(dead.listAgents(), unreachable);
      await assert.rejects(dead.spawnAgent(fakeAgentConfig('no-daemon', ws)), unreachable);
      assert.equal(dead.label, `Docker (${sock})`);
      assert.deepEqual(dead.getAttachCommand({ runtimeType: 'docker', runtimeId: RUNTIME, agentId: 'x', sessionName: 'ta-x', data: {} }).argv.slice(0, 3), ['docker', '-H', `unix://${sock}`]);
    } finally {
      dead.dispose();
    }
  });

  test('bad input is refused before anything is created', async () => {
    assert.throws(() => newRuntime(RUNTIME, { network: 'host' }), expectError('invalid-input', /host/));
    assert.throws(() => newRuntime(RUNTIME, { uid: 0 }), expectError('invalid-input', /non-root/));
    assert.throws(() => newRuntime(RUNTIME, { extraBinds: ['/var/run/docker.sock:/var/run/docker.sock'] }), expectError('invalid-input', /socket/));
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('no-dir', join(ws, 'does-not-exist'))), expectError('invalid-input', /does not exist/));
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('bad-env', ws, { secretEnv: { 'BAD-NAME': 'x' } })), expectError('invalid-input', /BAD-NAME/));
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('too-many-cpus', ws, { resources: { cpus: 512 } })), expectError('invalid-input', /512 CPUs/));
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('Bad_Id', ws)), expectError('invalid-input', /Invalid agent id/));
    nothingLeft();
  });

  test('an agent CLI that dies before it is ready fails the spawn and its container is removed', async () => {
    await assert.rejects(
      rt.spawnAgent(fakeAgentConfig('dies-early', ws, { args: ['--no-prompt', '--exit-after', '200'] })),
      expectError('spawn-failed', /exited (with status 3 )?before it was ready/, /fatal: fake agent giving up/),
    );
    nothingLeft();
  });

  test('a session that never becomes ready times out with the container id and a docker logs hint, and the container is removed', async () => {
    const slow = newRuntime(RUNTIME, { readyTimeoutMs: 1_500 });
    try {
      let message = '';
      await assert.rejects(slow.spawnAgent(fakeAgentConfig('never-ready', ws, { args: ['--no-prompt'] })), (e) => {
        message = (e as Error).message;
        return expectError('timeout', /Tmux session did not become ready in container [0-9a-f]{12} \(tmux-agents-.*-never-ready\)/, /docker logs [0-9a-f]{12}/, /Fake agent 1\.0/)(e);
      });
      const shortId = /container ([0-9a-f]{12})/.exec(message)![1]!;
      await assert.rejects(docker.getContainer(shortId).inspect(), (e) => (e as { statusCode?: number }).statusCode === 404);
    } finally {
      slow.dispose();
    }
    nothingLeft();
  });

  test('a container that fails to start is removed', async () => {
    // A file mounted over a directory of the image: created fine, refused by runc at start.
    const bad = newRuntime(RUNTIME, { extraBinds: ['/etc/hostname:/usr/share:ro'] });
    try {
      await assert.rejects(bad.spawnAgent(fakeAgentConfig('bad-start', ws)), expectError('spawn-failed', /Starting the agent container tmux-agents-.*-bad-start failed/));
    } finally {
      bad.dispose();
    }
    nothingLeft();
  });

  test('a spawn aborted midway (after its container exists) removes the container', async () => {
    const ac = new AbortController();
    const name = `tmux-agents-${RUNTIME}-aborted`;
    const spawn = rt.spawnAgent(fakeAgentConfig('aborted', ws, { args: ['--ready-after', '3000'] }), ac.signal);
    const outcome = spawn.then(
      () => 'spawned',
      (e: unknown) => e,
    );
    await waitFor('the container to exist', async () => ((await docker.listContainers({ all: true, filters: { name: [name] } })).length ? true : undefined));
    ac.abort(new Error('cancelled by the test'));
    const e = await outcome;
    assert.notEqual(e, 'spawned');
    assert.match(String((e as Error).message), /cancelled by the test/);
    nothingLeft();
  });

  test('hardening options: read-only root filesystem with tmpfs scratch, credential mounts read-only, extra CA bundle trusted', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tmux-agents-fake-home-'));
    dirs.push(home);
    mkdirSync(join(home, '.claude'));
    writeFileSync(join(home, '.claude', 'credentials.json'), '{"fake":true}\n');
    writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Test Agent\n');
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_fake'), 'not a key\n');
    const ca = join(home, 'proxy-ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n');
    const hardened = newRuntime(RUNTIME, {
      readOnlyRootFilesystem: true,
      pidsLimit: 256,
      credentialMounts: true,
      extraCaBundle: ca,
      environment: { homeDir: home },
    });
    try {
      const h = await hardened.spawnAgent(fakeAgentConfig('hardened', ws, { task: 'hardened ok', env: { FAKE_AGENT_LOG: '/workspace/hardened.log' } }));
      assert.deepEqual(await waitForMessages(join(ws, 'hardened.log'), 1), ['hardened ok']);
      const info = await docker.getContainer(h.data.containerId!).inspect();
      assert.equal(info.HostConfig.ReadonlyRootfs, true);
      assert.equal(info.HostConfig.PidsLimit, 256);
      assert.deepEqual(Object.keys(info.HostConfig.Tmpfs ?? {}).sort(), ['/home/agent', '/tmp', '/var/tmp']);
      const mounts = Object.fromEntries(info.Mounts.map((m) => [m.Destination, m]));
      assert.equal(mounts['/home/agent/.claude']?.Source, join(home, '.claude'));
      assert.equal(mounts['/home/agent/.claude']?.RW, false);
      assert.equal(mounts['/home/agent/.gitconfig']?.RW, false);
      assert.equal(mounts['/home/agent/.ssh'], undefined, '~/.ssh is only mounted when asked for');
      assert.equal(mounts['/etc/tmux-agents/ca-bundle.pem']?.RW, false);
      assert.ok(info.Config.Env.includes('NODE_EXTRA_CA_CERTS=/etc/tmux-agents/ca-bundle.pem'));
      assert.ok(info.Config.Env.includes('SSL_CERT_FILE=/etc/tmux-agents/ca-bundle.pem'));
      const r = await hardened.getTmux(h).executor.exec([
        'sh', '-c',
        'touch /usr/x 2>/dev/null && echo root-writable || echo root-ro; touch /tmp/x && echo tmp-ok; touch /home/agent/x && echo home-ok; ' +
          'touch /home/agent/.claude/x 2>/dev/null && echo cred-writable || echo cred-ro; cat /home/agent/.claude/credentials.json; ' +
          'git config --global user.name; head -1 "$NODE_EXTRA_CA_CERTS"; pwd',
      ]);
      assert.equal(r.stdout, 'root-ro\ntmp-ok\nhome-ok\ncred-ro\n{"fake":true}\nTest Agent\n-----BEGIN CERTIFICATE-----\n/workspace\n', r.stderr);
      await hardened.killAgent(h);

      // Asked for by name, ~/.ssh is mounted too (read-only).
      const withSsh = newRuntime(RUNTIME, { credentialMounts: ['.ssh'], environment: { homeDir: home } });
      try {
        const h2 = await withSsh.spawnAgent(fakeAgentConfig('with-ssh', ws, { env: { FAKE_AGENT_LOG: '/workspace/ssh.log' } }));
        const info2 = await docker.getContainer(h2.data.containerId!).inspect();
        assert.deepEqual(
          info2.Mounts.filter((m) => m.Destination.startsWith('/home/agent')).map((m) => [m.Destination, m.RW]),
          [['/home/agent/.ssh', false]],
        );
        await withSsh.killAgent(h2);
      } finally {
        withSsh.dispose();
      }
    } finally {
      hardened.dispose();
    }
    nothingLeft();
  });

  test('spawning the same agent id twice is refused while the first runs', async () => {
    const h = await rt.spawnAgent(fakeAgentConfig('twice', ws, { env: { FAKE_AGENT_LOG: '/workspace/twice.log' } }));
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('twice', ws)), expectError('agent-exists', /already exists/));
    assert.equal(containersOf(RUNTIME).length, 1);
    await rt.killAgent(h);
    nothingLeft();
  });
});

