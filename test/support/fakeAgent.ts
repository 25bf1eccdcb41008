// Helpers around test/fixtures/fake-agent.mjs shared by every runtime's tests.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pollUntil } from '../../src/core/async';
import { shellJoin } from '../../src/tmux/shellQuote';

export const FAKE_AGENT_PATH = resolve(import.meta.dirname, '../fixtures/fake-agent.mjs');
export const FIXTURES_DIR = resolve(import.meta.dirname, '../fixtures');

/** Command line for the `custom` provider; `path` lets containers use their mount point. */
export function fakeAgentCommand(opts: { path?: string; args?: string[]; node?: string } = {}): string {
  return shellJoin([opts.node ?? 'node', opts.path ?? FAKE_AGENT_PATH, ...(opts.args ?? [])]);
}

/** Ready pattern matching the fake agent's prompt (for provider overrides). */
export const FAKE_AGENT_READY = 'fake-agent> ';

export interface AgentLogEntry {
  event: 'started' | 'message' | 'interrupted';
  text?: string;
  cwd?: string;
  env?: string;
}

export function readAgentLog(path: string): AgentLogEntry[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AgentLogEntry);
}

/** Waits until the fake agent has recorded `count` submitted messages; returns their texts. */
export async function waitForMessages(path: string, count: number, timeoutMs = 10_000): Promise<string[]> {
  const got = await pollUntil(
    async () => {
      const msgs = readAgentLog(path).filter((e) => e.event === 'message').map((e) => e.text ?? '');
      return msgs.length >= count ? msgs : undefined;
    },
    { timeoutMs, intervalMs: 20, maxIntervalMs: 200 },
  );
  if (!got) {
    throw new Error(`fake agent recorded ${readAgentLog(path).filter((e) => e.event === 'message').length} of ${count} messages within ${timeoutMs} ms (log ${path})`);
  }
  return got;
}

/** Task texts that must arrive byte-exact: shell metacharacters, control chars, unicode, size. */
export const TRICKY_TASKS: Record<string, string> = {
  quotes: `it's "quoted" and 'single' \\"escaped\\"`,
  substitution: 'run $(touch /tmp/pwned-by-task) and ${HOME} and $HOME',
  backticks: 'this `touch /tmp/pwned-by-backtick` stays text',
  newlines: 'line one\nline two\n\nline four',
  tabs: 'col1\tcol2\t\tcol4',
  unicode: 'ünïcødé ✓ 日本語 emoji 🚀 RTL عربى',
  semicolon: 'ends with a semicolon;',
  tmuxish: '#{session_name} #(echo pwned) ; kill-server \\;',
  large: Array.from({ length: 10 * 1024 / 64 }, (_, i) => `${String(i).padStart(4, '0')} The quick brown fox jumps over the lazy dog 0123456789.`.padEnd(63, '.') + '\n').join(''),
};
