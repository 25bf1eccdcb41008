import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableBase, DisposableStore, Emitter, toDisposable } from '../../../src/core/lifecycle';

describe('toDisposable', () => {
  test('runs once', () => {
    let n = 0;
    const d = toDisposable(() => n++);
    d.dispose();
    d.dispose();
    assert.equal(n, 1);
  });
});

describe('DisposableStore', () => {
  test('disposes everything, newest first, exactly once', () => {
    const order: string[] = [];
    const s = new DisposableStore();
    s.add(toDisposable(() => order.push('a')));
    const b = s.add({ dispose: () => order.push('b') });
    assert.equal(typeof b.dispose, 'function', 'add returns its argument');
    s.dispose();
    s.dispose();
    assert.deepEqual(order, ['b', 'a']);
  });

  test('adding after dispose disposes at once', () => {
    const s = new DisposableStore();
    s.dispose();
    let n = 0;
    s.add(toDisposable(() => n++));
    assert.equal(n, 1);
  });

  test('a throwing item does not stop the others; errors are aggregated', () => {
    const order: string[] = [];
    const s = new DisposableStore();
    s.add(toDisposable(() => order.push('first')));
    s.add(toDisposable(() => {
      throw new Error('x1');
    }));
    s.add(toDisposable(() => order.push('last')));
    assert.throws(() => s.dispose(), (e) => e instanceof AggregateError && e.errors.length === 1 && (e.errors[0] as Error).message === 'x1');
    assert.deepEqual(order, ['last', 'first']);
  });
});

describe('DisposableBase', () => {
  test('_register ties resources to the owner', () => {
    const order: string[] = [];
    class Owner extends DisposableBase {
      constructor() {
        super();
        this._register(toDisposable(() => order.push('one')));
        this._register(toDisposable(() => order.push('two')));
      }
    }
    const o = new Owner();
    o.dispose();
    o.dispose();
    assert.deepEqual(order, ['two', 'one']);
  });
});

describe('Emitter', () => {
  test('delivers to every listener in subscription order', () => {
    const e = new Emitter<number>();
    const got: string[] = [];
    e.event((v) => got.push(`a${v}`));
    e.event((v) => got.push(`b${v}`));
    e.fire(1);
    e.fire(2);
    assert.deepEqual(got, ['a1', 'b1', 'a2', 'b2']);
  });

  test('disposing a subscription stops delivery', () => {
    const e = new Emitter<void>();
    let n = 0;
    const sub = e.event(() => n++);
    e.fire();
    sub.dispose();
    e.fire();
    assert.equal(n, 1);
  });

  test('a throwing listener does not stop the others', () => {
    const e = new Emitter<void>();
    let n = 0;
    e.event(() => {
      throw new Error('listener bug');
    });
    e.event(() => n++);
    assert.doesNotThrow(() => e.fire());
    assert.equal(n, 1);
  });

  test('a listener added during fire is not called for that event', () => {
    const e = new Emitter<void>();
    let late = 0;
    e.event(() => {
      e.event(() => late++);
    });
    e.fire();
    assert.equal(late, 0);
    e.fire();
    assert.equal(late, 1);
  });

  test('dispose removes all listeners', () => {
    const e = new Emitter<void>();
    let n = 0;
    e.event(() => n++);
    e.dispose();
    e.fire();
    assert.equal(n, 0);
  });
});
