import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { modemOptions } from '../../../src/runtimes/docker/dockerClient';
import { contextDirName, describeEndpoint, discoverDockerEndpoint, parseDockerHost } from '../../../src/runtimes/docker/dockerSocket';

const homes: string[] = [];
after(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

/** A fake home with a docker CLI config: config.json and contexts stored as the CLI stores them. */
function fakeHome(opts: { current?: string; contexts?: Record<string, { host: string; tls?: boolean }>; rawConfig?: string; dir?: string } = {}): string {
  const home = mkdtempSync(join(tmpdir(), 'tmux-agents-docker-home-'));
  homes.push(home);
  const cfgDir = join(home, opts.dir ?? '.docker');
  mkdirSync(cfgDir, { recursive: true });
  if (opts.rawConfig !== undefined) writeFileSync(join(cfgDir, 'config.json'), opts.rawConfig);
  else if (opts.current !== undefined) writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ auths: {}, currentContext: opts.current }));
  for (const [name, c] of Object.entries(opts.contexts ?? {})) {
    const id = createHash('sha256').update(name).digest('hex');
    const meta = join(cfgDir, 'contexts', 'meta', id);
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: { Description: 'test' }, Endpoints: { docker: { Host: c.host, SkipTLSVerify: false } } }));
    if (c.tls) {
      const tls = join(cfgDir, 'contexts', 'tls', id, 'docker');
      mkdirSync(tls, { recursive: true });
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(tls, f), `${f}\n`);
    }
  }
  return home;
}

const discover = (home: string, env: Record<string, string> = {}, socketPath?: string) => discoverDockerEndpoint({ env, homeDir: home, platform: 'linux', socketPath });

describe('Docker daemon discovery', () => {
  test('no DOCKER_HOST and no docker config: the default socket, no CLI flags', () => {
    assert.deepEqual(discover(fakeHome()), {
      kind: 'unix',
      url: 'unix:///var/run/docker.sock',
      socketPath: '/var/run/docker.sock',
      source: 'default',
      isLocal: true,
      cliArgs: [],
    });
    assert.deepEqual(discoverDockerEndpoint({ env: {}, homeDir: fakeHome(), platform: 'win32' }).socketPath, '//./pipe/docker_engine');
  });

  test('the current context of ~/.docker/config.json (Colima, Docker Desktop, Podman)', () => {
    const home = fakeHome({ current: 'colima', contexts: { colima: { host: 'unix:///Users/me/.colima/default/docker.sock' } } });
    assert.deepEqual(discover(home), {
      kind: 'unix',
      url: 'unix:///Users/me/.colima/default/docker.sock',
      socketPath: '/Users/me/.colima/default/docker.sock',
      source: 'context',
      contextName: 'colima',
      isLocal: true,
      cliArgs: ['--context', 'colima'],
    });
    assert.equal(describeEndpoint(discover(home)), 'docker context "colima" (unix:///Users/me/.colima/default/docker.sock)');
  });

  test('a tcp context with TLS material uses https and the context\'s certificate files', () => {
    const home = fakeHome({ current: 'remote', contexts: { remote: { host: 'tcp://build.example:2376', tls: true } } });
    const tls = join(home, '.docker', 'contexts', 'tls', contextDirName('remote'), 'docker');
    const ep = discover(home);
    assert.equal(ep.kind, 'tcp');
    assert.equal(ep.host, 'build.example');
    assert.equal(ep.port, 2376);
    assert.equal(ep.isLocal, false);
    assert.deepEqual(ep.tls, { ca: join(tls, 'ca.pem'), cert: join(tls, 'cert.pem'), key: join(tls, 'key.pem') });
    assert.deepEqual(ep.cliArgs, ['--context', 'remote']);
    const opts = modemOptions(ep, (p) => Buffer.from(`read:${p}`));
    assert.equal(opts.protocol, 'https');
    assert.equal(String(opts.ca), `read:${join(tls, 'ca.pem')}`);
    assert.equal(opts.socketPath, undefined);
  });

  test('DOCKER_CONTEXT overrides currentContext; "default" means the default socket', () => {
    const home = fakeHome({ current: 'colima', contexts: { colima: { host: 'unix:///c.sock' }, podman: { host: 'unix:///run/user/1000/podman/podman.sock' } } });
    assert.equal(discover(home, { DOCKER_CONTEXT: 'podman' }).socketPath, '/run/user/1000/podman/podman.sock');
    assert.equal(discover(home, { DOCKER_CONTEXT: 'default' }).source, 'default');
    assert.equal(discover(fakeHome({ current: 'default' })).source, 'default');
  });

  test('DOCKER_HOST beats any context, as in the docker CLI', () => {
    const home = fakeHome({ current: 'colima', contexts: { colima: { host: 'unix:///c.sock' } } });
    assert.deepEqual(discover(home, { DOCKER_HOST: 'unix:///run/user/1000/docker.sock', DOCKER_CONTEXT: 'colima' }), {
      kind: 'unix',
      url: 'unix:///run/user/1000/docker.sock',
      socketPath: '/run/user/1000/docker.sock',
      source: 'DOCKER_HOST',
      isLocal: true,
      cliArgs: ['-H', 'unix:///run/user/1000/docker.sock'],
    });
    const tcp = discover(home, { DOCKER_HOST: 'tcp://10.0.0.5:2375' });
    assert.deepEqual([tcp.kind, tcp.host, tcp.port, tcp.tls, tcp.cliArgs], ['tcp', '10.0.0.5', 2375, undefined, ['-H', 'tcp://10.0.0.5:2375']]);
    assert.deepEqual(modemOptions(tcp), { socketPath: undefined, host: '10.0.0.5', port: 2375, protocol: 'http', username: undefined });
    const tlsEp = discover(home, { DOCKER_HOST: 'tcp://box:2376', DOCKER_CERT_PATH: '/certs' });
    assert.deepEqual(tlsEp.tls, { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' });
    const verify = discover(home, { DOCKER_HOST: 'tcp://box:9999', DOCKER_TLS_VERIFY: '1' });
    assert.deepEqual(verify.tls, { ca: join(home, '.docker', 'ca.pem'), cert: join(home, '.docker', 'cert.pem'), key: join(home, '.docker', 'key.pem') });
    // The default socket named explicitly needs no -H.
    assert.deepEqual(discover(home, { DOCKER_HOST: 'unix:///var/run/docker.sock' }).cliArgs, []);
  });

  test('the socketPath setting beats everything, as a path or a URL', () => {
    const home = fakeHome({ current: 'colima', contexts: { colima: { host: 'unix:///c.sock' } } });
    const env = { DOCKER_HOST: 'tcp://elsewhere:2375' };
    assert.deepEqual(discover(home, env, '/tmp/my docker.sock'), {
      kind: 'unix',
      url: 'unix:///tmp/my docker.sock',
      socketPath: '/tmp/my docker.sock',
      source: 'setting',
      isLocal: true,
      cliArgs: ['-H', 'unix:///tmp/my docker.sock'],
    });
    assert.deepEqual(discover(home, env, '/var/run/docker.sock').cliArgs, []);
    const ssh = discover(home, env, 'ssh://me@build-box:2222');
    assert.deepEqual([ssh.kind, ssh.host, ssh.port, ssh.username, ssh.isLocal, ssh.cliArgs], ['ssh', 'build-box', 2222, 'me', false, ['-H', 'ssh://me@build-box:2222']]);
    // docker-modem would otherwise take DOCKER_HOST from the environment over our endpoint.
    assert.deepEqual(modemOptions(discover(home, env, '/tmp/x.sock')), { socketPath: '/tmp/x.sock', host: undefined, port: undefined, protocol: undefined, username: undefined });
  });

  test('DOCKER_CONFIG moves the config dir', () => {
    const home = fakeHome({ dir: 'cfg', current: 'ctx', contexts: { ctx: { host: 'unix:///ctx.sock' } } });
    assert.equal(discover(home, { DOCKER_CONFIG: join(home, 'cfg') }).socketPath, '/ctx.sock');
    assert.equal(discover(home).source, 'default');
  });

  test('broken configuration is a specific, actionable error', () => {
    const bad = (re: RegExp) => (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && re.test((e as Error).message);
    assert.throws(() => discover(fakeHome({ current: 'gone' })), bad(/docker context "gone" does not exist.*docker context use default/s));
    assert.throws(() => discover(fakeHome({ rawConfig: '{not json' })), bad(/config\.json is not valid JSON/));
    assert.throws(() => discover(fakeHome(), {}, 'relative.sock'), bad(/neither an absolute path nor a URL/));
    assert.throws(() => discover(fakeHome(), {}, 'fd://'), bad(/scheme fd:\/\/ is not supported/));
    assert.throws(() => discover(fakeHome(), { DOCKER_HOST: 'tcp://' }), bad(/from DOCKER_HOST/));
    assert.throws(() => parseDockerHost('unix://relative', 'setting'), bad(/absolute socket path/));
  });
});
