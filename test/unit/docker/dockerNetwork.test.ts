import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { nullLogger } from '../../../src/core/log';
import { createdKey, ensureNetwork, isAmbiguousNetworkError, pickCanonical, startDespiteDuplicateNetworks } from '../../../src/runtimes/docker/dockerNetwork';
import { parseDockerHost } from '../../../src/runtimes/docker/dockerSocket';

const EP = parseDockerHost('/var/run/docker.sock', 'default');
interface Net { Id: string; Name: string; Created: string }

/** A daemon that, like Engine 20.10, lets every racing create succeed. */
function fakeEngine(initial: Net[], onCreate?: (nets: Net[]) => void, createStatus?: number) {
  const nets = [...initial];
  const log: string[] = [];
  let n = 0;
  const docker = {
    async listNetworks(opts: { filters: { name: string[] } }) {
      log.push(`list ${opts.filters.name[0]}`);
      return nets.filter((x) => x.Name.includes(opts.filters.name[0]!));
    },
    async createNetwork(body: Record<string, unknown>) {
      log.push(`create ${JSON.stringify(body)}`);
      if (createStatus) throw Object.assign(new Error('x'), { statusCode: createStatus, json: { message: 'network with name x already exists' } });
      nets.push({ Id: `new${++n}`, Name: body.Name as string, Created: `2026-01-01T00:00:0${n}.5Z` });
      onCreate?.(nets);
    },
    getNetwork(id: string) {
      return {
        async remove() {
          log.push(`remove ${id}`);
          const i = nets.findIndex((x) => x.Id === id);
          if (i < 0) throw Object.assign(new Error('gone'), { statusCode: 404 });
          nets.splice(i, 1);
        },
      };
    },
  };
  return { docker: docker as unknown as Docker, nets, log };
}

describe('Docker network', () => {
  test('creation times compare correctly although Go trims trailing zeros', () => {
    assert.ok(createdKey('2026-01-01T00:00:05.1234Z') < createdKey('2026-01-01T00:00:05.12345Z'));
    assert.ok(createdKey('2026-01-01T00:00:05Z') < createdKey('2026-01-01T00:00:05.000000001Z'));
    assert.equal(pickCanonical([{ Id: 'b', Name: 'n', Created: '2026-01-01T00:00:05.2Z' }, { Id: 'a', Name: 'n', Created: '2026-01-01T00:00:05.10Z' }])!.Id, 'a');
    assert.equal(pickCanonical([{ Id: 'b', Name: 'n', Created: 'same' }, { Id: 'a', Name: 'n', Created: 'same' }])!.Id, 'a');
  });

  test('an existing network is reused (by id) without creating anything; substring matches are not it', async () => {
    const e = fakeEngine([{ Id: 'other', Name: 'tmux-agents-old', Created: '2026-01-01T00:00:00Z' }, { Id: 'id1', Name: 'tmux-agents', Created: '2026-01-01T00:00:01Z' }]);
    assert.equal(await ensureNetwork(e.docker, 'tmux-agents', EP, nullLogger), 'id1');
    assert.deepEqual(e.log, ['list tmux-agents']);
  });

  test('a missing network is created as a labelled bridge', async () => {
    const e = fakeEngine([]);
    assert.equal(await ensureNetwork(e.docker, 'tmux-agents', EP, nullLogger), 'new1');
    assert.deepEqual(e.log, ['list tmux-agents', 'create {"Name":"tmux-agents","Driver":"bridge","CheckDuplicate":true,"Labels":{"tmux-agents":"true"}}', 'list tmux-agents']);
  });

  test('a racer\'s duplicate is removed and everyone uses the oldest', async () => {
    // Another process creates its copy right after ours.
    const e = fakeEngine([], (nets) => {
      if (nets.length === 1) nets.push({ Id: 'racer', Name: 'tmux-agents', Created: '2026-01-01T00:00:09Z' });
    });
    assert.equal(await ensureNetwork(e.docker, 'tmux-agents', EP, nullLogger), 'new1');
    assert.deepEqual(e.nets.map((x) => x.Id), ['new1']);
    assert.ok(e.log.includes('remove racer'));
  });

  test('409 on create means someone else made it: reused, not an error', async () => {
    const e = fakeEngine([], undefined, 409);
    await assert.rejects(ensureNetwork(e.docker, 'tmux-agents', EP, nullLogger), /disappeared/);
    const e2 = fakeEngine([], undefined, 500);
    await assert.rejects(ensureNetwork(e2.docker, 'tmux-agents', EP, nullLogger), /Creating Docker network tmux-agents failed.*HTTP 500/);
    assert.equal(await ensureNetwork(fakeEngine([], undefined, undefined).docker, 'bridge', EP, nullLogger), 'bridge', 'built-ins are never created');
  });

  test('a start that meets an ambiguous network dedupes and retries; other errors do not retry', async () => {
    const ambiguous = Object.assign(new Error('x'), { statusCode: 400, json: { message: 'network tmux-agents is ambiguous (2 matches found on name)' } });
    assert.equal(isAmbiguousNetworkError(ambiguous), true);
    let starts = 0;
    let ensures = 0;
    await startDespiteDuplicateNetworks(
      async () => {
        if (++starts < 3) throw ambiguous;
      },
      async () => ensures++,
    );
    assert.deepEqual([starts, ensures], [3, 2]);
    starts = 0;
    await assert.rejects(startDespiteDuplicateNetworks(async () => { starts++; throw ambiguous; }, async () => 0, 2), /x/);
    assert.equal(starts, 2);
    starts = 0;
    await assert.rejects(startDespiteDuplicateNetworks(async () => { starts++; throw new Error('other'); }, async () => 0), /other/);
    assert.equal(starts, 1);
  });
});
