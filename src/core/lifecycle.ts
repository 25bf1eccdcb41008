// Small, vscode-free lifecycle primitives. The VS Code layer checks them against
// vscode's own types with `satisfies`, so core objects can be pushed into subscriptions.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Disposable;

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/** Owns disposables and disposes them all, newest first, exactly once. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(d: T): T {
    if (this.disposed) {
      d.dispose();
    } else {
      this.items.push(d);
    }
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const d of this.items.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length) throw new AggregateError(errors, 'Errors while disposing');
  }
}

/** Base class for objects that own resources: `this.register(x)` ties x to our lifetime. */
export abstract class DisposableBase implements Disposable {
  private readonly store = new DisposableStore();
  protected _register<T extends Disposable>(d: T): T {
    return this.store.add(d);
  }
  dispose(): void {
    this.store.dispose();
  }
}

export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A throwing listener must not stop the others; listeners report their own errors.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
