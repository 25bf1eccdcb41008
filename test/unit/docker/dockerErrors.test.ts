import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TmuxAgentsError } from '../../../src/core/errors';
import { daemonMessage, daemonUnreachable, dockerApiError, httpStatus, imageNotFound, isConnectionError, sessionNotReady } from '../../../src/runtimes/docker/dockerErrors';
import { discoverDockerEndpoint, parseDockerHost } from '../../../src/runtimes/docker/dockerSocket';

const DEFAULT = discoverDockerEndpoint({ env: {}, homeDir: '/nonexistent-home', platform: 'linux' });
const errno = (code: string, message = code) => Object.assign(new Error(message), { code });
const http = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });

describe('Docker errors', () => {
  test('daemon not reachable: where, why, and how to start it', () => {
    const e = daemonUnreachable(DEFAULT, errno('ENOENT', 'connect ENOENT /var/run/docker.sock'));
    assert.equal(e.code, 'runtime-unreachable');
    assert.equal(
      e.message,
      'Docker daemon is not reachable at unix:///var/run/docker.sock: no socket at /var/run/docker.sock. ' +
        'Is Docker running? Start Docker Desktop, or "sudo systemctl start docker" (Linux), "colima start", or "podman machine start". Check with "docker info".',
    );
    const refused = daemonUnreachable(parseDockerHost('tcp://box:2375', 'DOCKER_HOST'), errno('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:2375'));
    assert.match(refused.message, /^Docker daemon is not reachable at tcp:\/\/box:2375 \(from DOCKER_HOST\): connect ECONNREFUSED 10\.0\.0\.1:2375\. /);
    assert.match(refused.message, /DOCKER_HOST points there; start that daemon or unset DOCKER_HOST\. Check with "docker -H tcp:\/\/box:2375 info"\./);
    const ctx = { ...parseDockerHost('unix:///c.sock', 'context'), contextName: 'colima', cliArgs: ['--context', 'colima'] };
    assert.match(daemonUnreachable(ctx, errno('ECONNREFUSED')).message, /the docker context "colima" points there; start that daemon or switch context \("docker context use default"\)\. Check with "docker --context colima info"/i);
    assert.match(daemonUnreachable(DEFAULT, errno('EACCES')).message, /add it to the docker group \("sudo usermod -aG docker \$USER"/);
  });

  test('image not found: the build command for our image, pull for others', () => {
    const ours = imageNotFound('tmux-agents-base:latest', DEFAULT);
    assert.equal(ours.code, 'image-not-found');
    assert.equal(ours.message, 'image not found: tmux-agents-base:latest (on unix:///var/run/docker.sock). Build the image: cd docker && ./build.sh.');
    assert.equal(imageNotFound('corp/agent:1', DEFAULT).message, 'image not found: corp/agent:1 (on unix:///var/run/docker.sock). Pull or build it ("docker pull corp/agent:1"), or set the runtime\'s image to one that exists.');
  });

  test('session not ready: container id, last log lines, docker logs hint', () => {
    const e = sessionNotReady({ containerId: '0123456789abcdef0123', containerName: 'tmux-agents-docker-a1', logTail: 'line 1\nline 2\n', cause: new Error('The agent did not become ready within 30000 ms') });
    assert.equal(e.code, 'timeout');
    assert.equal(
      e.message,
      'Tmux session did not become ready in container 0123456789ab (tmux-agents-docker-a1): The agent did not become ready within 30000 ms\nLast lines of its log:\nline 1\nline 2 ' +
        'Check container logs: docker logs 0123456789ab (the container was removed so nothing is left behind; the lines above are its log).',
    );
    assert.match(sessionNotReady({ containerId: 'abc', containerName: 'n', logTail: '  ', cause: 'x' }).message, /Its log is empty\./);
  });

  test('other API failures name the call and carry the daemon\'s message; ours pass through', () => {
    const e = dockerApiError(http(500, 'driver failed programming external connectivity'), 'Starting the agent container x', DEFAULT);
    assert.equal(e.code, 'spawn-failed');
    assert.equal(e.message, 'Starting the agent container x failed on unix:///var/run/docker.sock (HTTP 500): driver failed programming external connectivity.');
    assert.equal(dockerApiError(errno('ECONNREFUSED'), 'x', DEFAULT).code, 'runtime-unreachable');
    const ours = new TmuxAgentsError('invalid-input', 'kept');
    assert.equal(dockerApiError(ours, 'x', DEFAULT), ours);
  });

  test('helpers: status codes, connection errors, daemon messages', () => {
    assert.equal(httpStatus(http(404, 'x')), 404);
    assert.equal(httpStatus(new Error('x')), undefined);
    assert.equal(isConnectionError(errno('ECONNRESET')), true);
    assert.equal(isConnectionError(Object.assign(errno('ENOENT'), { statusCode: 404 })), false);
    assert.equal(isConnectionError(errno('EINVAL')), false);
    assert.equal(daemonMessage(http(404, 'No such image: x')), 'No such image: x');
    assert.equal(daemonMessage(Object.assign(new Error('(HTTP code 409) conflict - raw '), { json: Buffer.from('raw text') })), 'raw text');
    assert.equal(daemonMessage(new Error('(HTTP code 409) conflict - raw ')), 'conflict - raw');
  });
});
