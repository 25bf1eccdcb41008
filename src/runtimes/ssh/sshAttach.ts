// The command a terminal runs to attach to an agent on an SSH host: the system `ssh`
// client (interactive: it can ask for a passphrase or a host key, which ssh2 cannot), as an
// argv with no local shell; the remote command is one string, quoted for the remote shell.
import { userInfo } from 'node:os';
import { shellJoin } from '../../tmux/shellQuote';
import { expandTilde } from './sshConfig';
import type { SshHostOptions } from './sshTarget';

/** ssh's `-o Key=value` splits the value on whitespace unless it is double-quoted. */
function sshOptionValue(v: string): string {
  return /\s/.test(v) ? `"${v.replace(/(["\\])/g, '\\$1')}"` : v;
}

export function sshAttachArgv(o: SshHostOptions, remoteArgv: readonly string[], localUser: () => string = () => userInfo().username): string[] {
  const viaAlias = o.alias !== undefined;
  // With an alias, ssh reads ~/.ssh/config itself; only explicit settings are repeated, as overrides.
  const destination = viaAlias ? (o.user ? `${o.user}@${o.alias}` : o.alias!) : `${o.user ?? localUser()}@${o.host}`;
  const port = o.port !== undefined && (viaAlias || o.port !== 22) ? ['-p', String(o.port)] : [];
  return [
    'ssh',
    '-t',
    ...(viaAlias && o.sshConfigPath ? ['-F', expandTilde(o.sshConfigPath)] : []),
    ...port,
    ...(o.identityFile ? ['-i', expandTilde(o.identityFile)] : []),
    ...(o.knownHostsPath ? ['-o', `UserKnownHostsFile=${sshOptionValue(expandTilde(o.knownHostsPath))}`] : []),
    ...(viaAlias && o.host ? ['-o', `HostName=${o.host}`] : []),
    destination,
    '--',
    shellJoin(remoteArgv),
  ];
}
