// What every end-to-end test starts with: a temp dir guarded by the watchdog (removed even
// if the test process dies) and a list of cleanups that run newest first after the test,
// also when a step failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startWatchdog } from './processes.ts';

export interface TestScope {
  tmp: string;
  /** Registers a cleanup; they run in reverse order of registration. */
  onCleanup(fn: () => unknown): void;
}

export function testScope(t: TestContext, prefix: string): TestScope {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const disarm = startWatchdog({ dirs: [tmp] });
  const cleanups: (() => unknown)[] = [
    () => {
      disarm();
      rmSync(tmp, { recursive: true, force: true });
    },
  ];
  t.after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  return { tmp, onCleanup: (fn) => cleanups.push(fn) };
}
