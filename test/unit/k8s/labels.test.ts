import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { claimName, createdAtLabel, dnsSlug, isValidLabelValue, labelValue, podName, runtimeSelector } from '../../../src/runtimes/k8s/labels';

const K8S_LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('labelValue', () => {
  test('valid values pass through unchanged', () => {
    for (const v of ['k8s-default', 'claude', 'ta-fix-login', 'A.b_c-9', 'x', 'a'.repeat(63), '']) assert.equal(labelValue(v), v);
  });

  test('invalid values become valid, readable, and distinct', () => {
    const cases = ['My Runtime', '_session', 'ends-', 'a'.repeat(64), 'ünïcødé', '日本語', '---', 'x:y/z', `${'b'.repeat(70)}-`, '.hidden.'];
    const out = cases.map(labelValue);
    for (const [i, v] of out.entries()) {
      assert.ok(v.length <= 63 && K8S_LABEL_VALUE.test(v), `${JSON.stringify(cases[i])} -> ${v}`);
      assert.notEqual(v, cases[i]);
    }
    assert.equal(new Set(out).size, out.length, 'no two inputs share a value');
    assert.match(labelValue('My Runtime'), /^My-Runtime-[0-9a-f]{8}$/);
    assert.match(labelValue('日本語'), /^[0-9a-f]{8}$/);
    // Values that differ only in sanitised characters stay apart.
    assert.notEqual(labelValue('a_'), labelValue('a-'));
    assert.equal(labelValue('My Runtime'), labelValue('My Runtime'), 'deterministic');
  });

  test('isValidLabelValue follows the API server', () => {
    assert.equal(isValidLabelValue('ok'), true);
    assert.equal(isValidLabelValue('-no'), false);
    assert.equal(isValidLabelValue('a'.repeat(64)), false);
  });
});

describe('names', () => {
  test('createdAtLabel is ISO 8601 basic UTC, a valid label value', () => {
    assert.equal(createdAtLabel(new Date('2026-01-02T03:04:05.678Z')), '20260102T030405Z');
  });

  test('dnsSlug keeps DNS labels, hashes anything else', () => {
    assert.equal(dnsSlug('k8s-default'), 'k8s-default');
    assert.match(dnsSlug('My_Cluster.prod'), /^my-cluster-prod-[0-9a-f]{8}$/);
    assert.match(dnsSlug('x'.repeat(60)), /^x{31}-[0-9a-f]{8}$/);
    assert.notEqual(dnsSlug('a_b'), dnsSlug('a.b'));
  });

  test('pod and claim names are valid and unique per runtime and agent', () => {
    const names = [podName('k8s', 'fix-1'), podName('K8s', 'fix-1'), podName('k8s', 'fix-2'), claimName('k8s', 'fix-1'), podName('Runtime_With.Odd-Chars', 'a'.repeat(63))];
    assert.equal(names[0], 'tmux-agents-k8s-fix-1');
    assert.equal(names[3], 'tmux-agents-k8s-fix-1-workspace');
    for (const n of names) assert.ok(n.length <= 253 && DNS1123_SUBDOMAIN.test(n) && n.split('.').every((p) => DNS1123_LABEL.test(p)), n);
    assert.equal(new Set(names).size, names.length);
  });

  test('runtimeSelector is the one selector listAgents and the watch use', () => {
    assert.equal(runtimeSelector('k8s-default'), 'tmux-agents=true,tmux-agents.runtime-id=k8s-default');
    assert.match(runtimeSelector('My Runtime'), /^tmux-agents=true,tmux-agents\.runtime-id=My-Runtime-[0-9a-f]{8}$/);
  });
});
