import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { buildContainerSpec, checkExtraBind, containerName, utf8LocaleEnv, type ContainerSpecInput } from '../../../src/runtimes/docker/containerSpec';

const GiB = 1024 ** 3;

function input(over: Partial<ContainerSpecInput> = {}): ContainerSpecInput {
  return {
    runtimeId: 'docker',
    agentId: 'fix-login',
    sessionName: 'ta-fix-login',
    provider: 'claude',
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    task: 'Fix the login\nbug',
    launchArgv: ['claude', '--dangerously-skip-permissions'],
    image: 'tmux-agents-base:latest',
    network: 'net-id-123',
    workspace: '/home/me/project',
    user: { uid: 1000, gid: 1000 },
    memory: 4 * GiB,
    cpus: 2,
    pidsLimit: 1024,
    readOnlyRootFilesystem: false,
    imageEnv: ['PATH=/usr/bin', 'LANG=C.UTF-8'],
    ...over,
  };
}

const invalidInput = (re: RegExp) => (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && re.test((e as Error).message);

describe('buildContainerSpec', () => {
  test('the default body, exactly', () => {
    assert.deepEqual(buildContainerSpec(input()), {
      name: 'tmux-agents-docker-fix-login',
      Hostname: 'fix-login',
      Image: 'tmux-agents-base:latest',
      Entrypoint: ['sleep', 'infinity'],
      Cmd: [],
      User: '1000:1000',
      WorkingDir: '/workspace',
      Env: ['HOME=/home/agent'],
      Labels: {
        'tmux-agents': 'true',
        'tmux-agents.runtime-id': 'docker',
        'tmux-agents.agent-id': 'fix-login',
        'tmux-agents.session-name': 'ta-fix-login',
        'tmux-agents.ai-provider': 'claude',
        'tmux-agents.created-at': '2026-01-02T03:04:05.678Z',
        'tmux-agents.workspace': '/home/me/project',
        'tmux-agents.user': '1000:1000',
        'tmux-agents.launch': '["claude","--dangerously-skip-permissions"]',
        'tmux-agents.task': 'Fix the login bug',
      },
      Tty: false,
      OpenStdin: false,
      StopTimeout: 2,
      HostConfig: {
        Mounts: [{ Type: 'bind', Source: '/home/me/project', Target: '/workspace', ReadOnly: false }],
        Binds: [],
        Memory: 4 * GiB,
        NanoCpus: 2_000_000_000,
        PidsLimit: 1024,
        NetworkMode: 'net-id-123',
        Init: true,
        Privileged: false,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges:true'],
        ReadonlyRootfs: false,
        RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      },
    });
  });

  test('every option, exactly: secrets only in Env, credentials and CA read-only, read-only root with tmpfs', () => {
    const spec = buildContainerSpec(
      input({
        user: { uid: 1234, gid: 500 },
        memory: 512 * 1024 * 1024,
        cpus: 1.5,
        pidsLimit: 256,
        readOnlyRootFilesystem: true,
        workspace: '/home/me/my project: a,b',
        env: { DEBUG: '1', FAKE: 'x=y' },
        secretEnv: { ANTHROPIC_API_KEY: 'sk-ant-secret', DEBUG: 'from-secret' },
        credentialMounts: [
          { source: '/home/me/.claude', target: '/home/agent/.claude' },
          { source: '/home/me/.gitconfig', target: '/home/agent/.gitconfig' },
        ],
        extraBinds: ['/data:/data:ro', 'cache-vol:/cache'],
        caBundle: '/etc/ssl/corp.pem',
        imageEnv: ['PATH=/usr/bin'],
        task: undefined,
      }),
    );
    assert.deepEqual(spec.Env, [
      'HOME=/home/agent',
      'LC_CTYPE=C.UTF-8',
      'NODE_EXTRA_CA_CERTS=/etc/tmux-agents/ca-bundle.pem',
      'SSL_CERT_FILE=/etc/tmux-agents/ca-bundle.pem',
      'DEBUG=from-secret',
      'FAKE=x=y',
      'ANTHROPIC_API_KEY=sk-ant-secret',
    ]);
    assert.equal(spec.User, '1234:500');
    assert.equal(spec.Labels!['tmux-agents.user'], '1234:500');
    assert.equal(spec.Labels!['tmux-agents.task'], '');
    assert.ok(!JSON.stringify(spec.Labels).includes('sk-ant-secret'), 'no secret in labels');
    assert.deepEqual(spec.HostConfig, {
      Mounts: [
        { Type: 'bind', Source: '/home/me/my project: a,b', Target: '/workspace', ReadOnly: false },
        { Type: 'bind', Source: '/home/me/.claude', Target: '/home/agent/.claude', ReadOnly: true },
        { Type: 'bind', Source: '/home/me/.gitconfig', Target: '/home/agent/.gitconfig', ReadOnly: true },
        { Type: 'bind', Source: '/etc/ssl/corp.pem', Target: '/etc/tmux-agents/ca-bundle.pem', ReadOnly: true },
      ],
      Binds: ['/data:/data:ro', 'cache-vol:/cache'],
      Memory: 512 * 1024 * 1024,
      NanoCpus: 1_500_000_000,
      PidsLimit: 256,
      NetworkMode: 'net-id-123',
      Init: true,
      Privileged: false,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      Tmpfs: {
        '/tmp': 'rw,exec,nosuid,nodev',
        '/var/tmp': 'rw,exec,nosuid,nodev',
        '/home/agent': 'rw,exec,nosuid,nodev,uid=1234,gid=500,mode=0755',
      },
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
    });
  });

  test('a long task is summarized on one line in its label', () => {
    const spec = buildContainerSpec(input({ task: 'x'.repeat(1000) }));
    assert.equal(spec.Labels!['tmux-agents.task']!.length, 300);
    assert.ok(spec.Labels!['tmux-agents.task']!.endsWith('…'));
  });

  test('bad input is refused with a specific error', () => {
    assert.throws(() => buildContainerSpec(input({ workspace: 'relative/dir' })), invalidInput(/not an absolute path/));
    assert.throws(() => buildContainerSpec(input({ workspace: '' })), invalidInput(/not an absolute path/));
    assert.throws(() => buildContainerSpec(input({ memory: 1024 })), invalidInput(/at least 6291456/));
    assert.throws(() => buildContainerSpec(input({ memory: 1.5 * GiB + 0.5 })), invalidInput(/whole number of bytes/));
    assert.throws(() => buildContainerSpec(input({ cpus: 0 })), invalidInput(/at least 0.01/));
    assert.throws(() => buildContainerSpec(input({ cpus: Number.NaN })), invalidInput(/CPU limit/));
    assert.throws(() => buildContainerSpec(input({ pidsLimit: 0 })), invalidInput(/pidsLimit/));
    assert.throws(() => buildContainerSpec(input({ user: { uid: 0, gid: 0 } })), invalidInput(/non-root/));
    assert.throws(() => buildContainerSpec(input({ user: { uid: 1000, gid: 0 } })), invalidInput(/gid 0/));
    assert.throws(() => buildContainerSpec(input({ network: 'host' })), invalidInput(/host/));
    assert.throws(() => buildContainerSpec(input({ network: 'container:abc' })), invalidInput(/another container/));
    assert.throws(() => buildContainerSpec(input({ env: { 'A-B': '1' } })), invalidInput(/"A-B"/));
    assert.throws(() => buildContainerSpec(input({ secretEnv: { '1KEY': 'v' } })), invalidInput(/secret environment variable name "1KEY"/));
    assert.throws(() => buildContainerSpec(input({ secretEnv: { KEY: 'a\0b' } })), invalidInput(/NUL/));
    assert.throws(() => buildContainerSpec(input({ image: ' ' })), invalidInput(/image/));
  });

  test('extraBinds never hand the agent the container engine socket', () => {
    for (const b of [
      '/var/run/docker.sock:/var/run/docker.sock',
      '/run/docker.sock:/sock:ro',
      '/var/run:/host-run',
      '/run/:/x',
      '/home/me/.docker/run/docker.sock:/d.sock',
      '/run/podman/podman.sock:/p.sock',
      '/run/containerd/containerd.sock:/c.sock',
    ]) {
      assert.throws(() => checkExtraBind(b), invalidInput(/socket/), b);
    }
    for (const b of ['/data', 'a:b', '/a:/b:ro:x', '/a:/b:r0!']) assert.throws(() => checkExtraBind(b), invalidInput(/extraBinds entry/), b);
    checkExtraBind('/data:/data');
    checkExtraBind('/data:/data:ro');
    checkExtraBind('named-volume:/cache:rw,z');
  });

  test('container names combine runtime id and agent id', () => {
    assert.equal(containerName('docker-2.x_y', 'a1'), 'tmux-agents-docker-2.x_y-a1');
  });
});

describe('utf8LocaleEnv', () => {
  test('nothing when the image or the agent env already has a UTF-8 locale', () => {
    assert.deepEqual(utf8LocaleEnv(['LANG=C.UTF-8']), {});
    assert.deepEqual(utf8LocaleEnv(['LC_ALL=en_US.utf8']), {});
    assert.deepEqual(utf8LocaleEnv([], { LANG: 'de_DE.UTF-8' }), {});
  });
  test('C.UTF-8 character handling otherwise, overriding LC_ALL only when it is set to something else', () => {
    assert.deepEqual(utf8LocaleEnv([]), { LC_CTYPE: 'C.UTF-8' });
    assert.deepEqual(utf8LocaleEnv(['LANG=C']), { LC_CTYPE: 'C.UTF-8' });
    assert.deepEqual(utf8LocaleEnv(['LANG=C.UTF-8', 'LC_ALL=C']), { LC_ALL: 'C.UTF-8' });
    assert.deepEqual(utf8LocaleEnv(['LANG=C.UTF-8'], { LC_CTYPE: 'POSIX' }), { LC_CTYPE: 'C.UTF-8' });
  });
});
