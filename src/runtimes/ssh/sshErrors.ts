// The ways reaching a host over SSH fails, each its own error: what failed, where
// (user@host:port) and what to do. Tests and the tree tell them apart by `code`:
// runtime-unreachable, auth-failed, host-key (and tmux-not-installed, from tmuxErrors).
import { TmuxAgentsError } from '../../core/errors';
import { shellJoin, shellQuote } from '../../tmux/shellQuote';
import { keyTypeLabel, knownHostsName, type HostKeyVerdict } from './knownHosts';
import { targetLabel, type SshTarget } from './sshTarget';

/** What authentication offered, for the auth-failed message. Paths only, never key material. */
export interface AuthReport {
  offered: string[];
  skipped: string[];
  agent: 'used' | 'disabled' | 'not-running';
}

type SshLibError = Error & { level?: string; code?: string };

function sshCommand(t: SshTarget): string {
  return shellJoin(['ssh', ...(t.port !== 22 ? ['-p', String(t.port)] : []), `${t.user}@${t.host}`]);
}

export function unreachableError(t: SshTarget, cause: SshLibError, attempts: number, timeoutMs: number): TmuxAgentsError {
  const at = `${t.host}:${t.port}`;
  let why: string;
  if (cause.code === 'ECONNREFUSED') why = 'connection refused: nothing is listening on that port';
  else if (cause.code === 'ENOTFOUND' || cause.code === 'EAI_AGAIN' || cause.level === 'client-dns') why = `host name "${t.host}" not found`;
  else if (cause.code === 'EHOSTUNREACH' || cause.code === 'ENETUNREACH') why = 'no route to the host';
  else if (cause.level === 'client-timeout' || cause.code === 'ETIMEDOUT') why = `no SSH answer within ${timeoutMs} ms`;
  else why = cause.message;
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  return new TmuxAgentsError(
    'runtime-unreachable',
    `Cannot reach the SSH server at ${at} for ${t.user}${tries}: ${why}.`,
    `Check that the host is up and sshd listens on port ${t.port}; try "${sshCommand(t)}" in a terminal.`,
    { cause },
  );
}

export function authFailedError(t: SshTarget, report: AuthReport, cause?: Error): TmuxAgentsError {
  const parts = [...report.offered];
  if (report.agent === 'not-running') parts.push('no ssh-agent (SSH_AUTH_SOCK is not set)');
  if (report.agent === 'disabled') parts.push('ssh-agent not used (useAgent is false)');
  const skipped = report.skipped.length ? ` Not offered: ${report.skipped.join('; ')}.` : '';
  const offered = report.offered.length ? `the server accepted none of: ${parts.join(', ')}` : `there was no key to offer (${parts.join(', ') || 'none configured'})`;
  const key = report.offered.find((o) => o.startsWith('key '))?.slice(4);
  const copyId = shellJoin(['ssh-copy-id', ...(key ? ['-i', `${key}.pub`] : []), ...(t.port !== 22 ? ['-p', String(t.port)] : []), `${t.user}@${t.host}`]);
  return new TmuxAgentsError(
    'auth-failed',
    `SSH authentication failed for ${targetLabel(t)}: ${offered}.${skipped}`,
    `Check the user name, and that the public key is in ~${t.user}/.ssh/authorized_keys on the host` +
      ` (e.g. "${copyId}"),` +
      ' or set identityFile / load the key into ssh-agent.',
    { cause },
  );
}

function keyscanCommand(t: SshTarget): string {
  return `${shellJoin(['ssh-keyscan', ...(t.port !== 22 ? ['-p', String(t.port)] : []), t.host])} >> ${shellQuote(t.knownHostsFiles[0] ?? '~/.ssh/known_hosts')}`;
}

export function hostKeyError(t: SshTarget, v: Exclude<HostKeyVerdict, { kind: 'trusted' }>): TmuxAgentsError {
  const at = `${t.host}:${t.port}`;
  const files = t.knownHostsFiles[0] ?? '~/.ssh/known_hosts';
  const key = `${keyTypeLabel(v.keyType)} key ${v.fingerprint}`;
  if (v.kind === 'unknown') {
    const others = v.otherTypes.length
      ? ` Keys of another type (${v.otherTypes.map(keyTypeLabel).join(', ')}) are already known for it, but the server no longer offers them: be careful.`
      : '';
    return new TmuxAgentsError(
      'host-key',
      `The SSH host key of ${at} is not trusted yet: the server presented ${key}, which is not in ${files}.${others} Not connecting.`,
      `Check this fingerprint with the host's administrator (on the host: "ssh-keygen -lf /etc/ssh/ssh_host_${keyTypeLabel(v.keyType).toLowerCase()}_key.pub"), then trust it with "${keyscanCommand(t)}", or connect once with "${sshCommand(t)}" and accept it.`,
    );
  }
  if (v.kind === 'revoked') {
    return new TmuxAgentsError(
      'host-key',
      `REFUSED: the SSH host key of ${at} (${key}) is marked @revoked in ${v.entry.source}:${v.entry.line}. Not connecting.`,
      'Ask the host\'s administrator for its current key.',
    );
  }
  const was = v.known.map((k) => `${k.fingerprint} (${k.entry.source}:${k.entry.line})`).join(', ');
  return new TmuxAgentsError(
    'host-key',
    `WARNING: THE SSH HOST KEY OF ${at} HAS CHANGED. The server presented ${key}, but known_hosts has ${was}. Someone could be intercepting the connection (man-in-the-middle), or the host was reinstalled. Not connecting.`,
    `Only if you know the host key really changed: remove the old entry with "${shellJoin(['ssh-keygen', '-R', knownHostsName(t.host, t.port), '-f', files])}", check the new fingerprint with the host's administrator, then trust it with "${keyscanCommand(t)}".`,
  );
}

export function connectionLostError(t: SshTarget | undefined, where: string, command: string, cause?: Error): TmuxAgentsError {
  return new TmuxAgentsError(
    'runtime-unreachable',
    `The SSH connection to ${t ? targetLabel(t) : where} was lost while running "${command.slice(0, 120)}"${cause ? ` (${cause.message})` : ''}.`,
    'It is re-opened for the next command; retry.',
    { cause },
  );
}

export function unsupportedConfigError(t: SshTarget): TmuxAgentsError {
  return new TmuxAgentsError(
    'unsupported',
    `The ~/.ssh/config entry "${t.alias}" uses ${t.unsupported.join(' and ')}, which the SSH runtime does not support yet.`,
    'Use a host that is reachable directly, or a local port forward (ssh -L) to it, and set host/port to that.',
  );
}

/** An ssh2 connect failure that is not about the host key (handled by the verifier) or authentication. */
export function isTransientConnectError(e: SshLibError): boolean {
  return e.level === 'client-socket' || e.level === 'client-timeout' || (e.level === 'protocol' && /closed|reset/i.test(e.message));
}

export function handshakeError(t: SshTarget, cause: SshLibError): TmuxAgentsError {
  return new TmuxAgentsError(
    'runtime-unreachable',
    `The SSH handshake with ${t.host}:${t.port} failed: ${cause.message}.`,
    `Try "${sshCommand(t)}" in a terminal to see whether the server's algorithms are supported.`,
    { cause },
  );
}
