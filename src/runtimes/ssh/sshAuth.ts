// The authentication methods a connection offers, in order: key files (read from disk at
// connect time, held only for the handshake, never logged), then the ssh-agent. Keys that
// cannot be used are reported by path and reason, so "auth failed" says what was tried.
import { readFile } from 'node:fs/promises';
import type { AnyAuthMethod, ParsedKey } from 'ssh2';
import type { AuthReport } from './sshErrors';
import type { SshTarget } from './sshTarget';

export type ParseKey = (data: Buffer) => ParsedKey | ParsedKey[] | Error;

export interface PreparedAuth {
  methods: AnyAuthMethod[];
  report: AuthReport;
}

async function readKey(path: string): Promise<Buffer | NodeJS.ErrnoException> {
  try {
    return await readFile(path);
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
}

export async function prepareAuth(t: SshTarget, parseKey: ParseKey): Promise<PreparedAuth> {
  const methods: AnyAuthMethod[] = [];
  const report: AuthReport = { offered: [], skipped: [], agent: t.agent };
  for (const path of t.identityFiles) {
    const data = await readKey(path);
    if (!Buffer.isBuffer(data)) {
      // ssh silently skips default key files that do not exist; a configured one is worth a word.
      if (data.code === 'ENOENT' && t.defaultIdentities) continue;
      report.skipped.push(`key ${path} (${data.code === 'ENOENT' ? 'file not found' : `cannot read it: ${data.code ?? data.message}`})`);
      continue;
    }
    const parsed = parseKey(data);
    if (parsed instanceof Error) {
      const encrypted = /encrypted|passphrase/i.test(parsed.message);
      report.skipped.push(`key ${path} (${encrypted ? 'protected by a passphrase: load it into ssh-agent with ssh-add' : 'not a private key this client can read'})`);
      continue;
    }
    methods.push({ type: 'publickey', username: t.user, key: data });
    report.offered.push(`key ${path}`);
  }
  if (t.agentSocket) {
    methods.push({ type: 'agent', username: t.user, agent: t.agentSocket });
    report.offered.push(`the keys in ssh-agent (${t.agentSocket})`);
  }
  return { methods, report };
}
