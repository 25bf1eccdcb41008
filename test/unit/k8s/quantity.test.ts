import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { cpuQuantity, formatCpu, formatMemory, memoryQuantity, parseQuantity, storageQuantity } from '../../../src/runtimes/k8s/quantity';

const invalidInput = (re: RegExp) => (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && re.test((e as Error).message);

describe('parseQuantity', () => {
  test('binary, decimal, milli and exponent suffixes', () => {
    const cases: [string, number][] = [
      ['4Gi', 4 * 2 ** 30],
      ['512Mi', 512 * 2 ** 20],
      ['1Ki', 1024],
      ['2000m', 2],
      ['250m', 0.25],
      ['1.5', 1.5],
      ['.5', 0.5],
      ['3', 3],
      ['1k', 1000],
      ['1M', 1e6],
      ['2G', 2e9],
      ['1e3', 1000],
      ['1E-3', 0.001],
      ['0', 0],
    ];
    for (const [text, value] of cases) assert.equal(parseQuantity(text), value, text);
  });
  test('anything else is not a quantity', () => {
    for (const text of ['', ' 4Gi', '4Gi ', '4 Gi', '4GB', '4gi', '-1', '+1', 'Gi', '1.2.3', 'lots', '4iG', '1e']) assert.equal(parseQuantity(text), undefined, JSON.stringify(text));
  });
});

describe('formatting the agent\'s own numbers', () => {
  test('memory in the largest exact binary unit', () => {
    assert.equal(formatMemory(4 * 2 ** 30), '4Gi');
    assert.equal(formatMemory(1536 * 2 ** 20), '1536Mi');
    assert.equal(formatMemory(2 ** 40), '1Ti');
    assert.equal(formatMemory(1000), '1000');
    assert.equal(formatMemory(1025), '1025');
  });
  test('CPUs as millicores', () => {
    assert.equal(formatCpu(2), '2000m');
    assert.equal(formatCpu(1.5), '1500m');
    assert.equal(formatCpu(0.001), '1m');
  });
});

describe('checked settings', () => {
  test('strings are kept as the user wrote them, numbers are formatted', () => {
    assert.equal(memoryQuantity('4Gi', 'defaultMemory'), '4Gi');
    assert.equal(memoryQuantity(2 ** 30, 'defaultMemory'), '1Gi');
    assert.equal(cpuQuantity('2000m', 'defaultCpus'), '2000m');
    assert.equal(cpuQuantity(1.5, 'defaultCpus'), '1500m');
    assert.equal(storageQuantity('10Gi', 'volumeSize'), '10Gi');
  });
  test('bad values say which setting and how to write it', () => {
    assert.throws(() => memoryQuantity('4GB', 'defaultMemory'), invalidInput(/defaultMemory "4GB" is not a memory size.*"4Gi"/));
    assert.throws(() => memoryQuantity('1Mi', 'defaultMemory'), invalidInput(/at least 6Mi/));
    assert.throws(() => memoryQuantity('1500m', 'defaultMemory'), invalidInput(/not a memory size/), 'millibytes are not bytes');
    assert.throws(() => cpuQuantity('0', 'defaultCpus'), invalidInput(/defaultCpus "0" is not a CPU amount of at least 1m/));
    assert.throws(() => cpuQuantity('two', 'defaultCpus'), invalidInput(/"2000m"/));
    assert.throws(() => storageQuantity('big', 'volumeSize'), invalidInput(/volumeSize "big" is not a storage size/));
  });
});
