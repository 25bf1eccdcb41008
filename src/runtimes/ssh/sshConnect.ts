// One attempt to open an authenticated SSH connection with ssh2: known_hosts read and
// checked by our verifier, keys offered, and every failure turned into its distinct error
// (host-key, auth-failed, unreachable) or marked transient for the caller's retry loop.
import { readFile } from 'node:fs/promises';
import type { Client, ConnectConfig } from 'ssh2';
import { TmuxAgentsError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import { parseKnownHosts, preferredHostKeyAlgorithms, verifyHostKey, type HostKeyVerdict, type KnownHostsEntry } from './knownHosts';
import { prepareAuth } from './sshAuth';
import { authFailedError, handshakeError, hostKeyError, isTransientConnectError } from './sshErrors';
import { targetLabel, type SshTarget } from './sshTarget';

export type Ssh2 = typeof import('ssh2');
export type SshLibError = Error & { level?: string; code?: string; reason?: number };

let ssh2Module: Promise<Ssh2> | undefined;
/** ssh2 is loaded on the first connect, not when the extension activates. */
export function loadSsh2(): Promise<Ssh2> {
  // A CommonJS package: depending on the loader the exports are the namespace or its default.
  ssh2Module ??= import('ssh2').then((m) => (m as unknown as { default?: Ssh2 }).default ?? m);
  return ssh2Module;
}

/** A connect failure worth retrying (the host did not answer), as opposed to a verdict (auth, host key). */
export class TransientFailure extends Error {
  constructor(override readonly cause: SshLibError) {
    super(cause.message);
  }
}

export interface ConnectOnceOptions {
  timeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  log: Logger;
}

export async function connectOnce(ssh2: Ssh2, target: SshTarget, o: ConnectOnceOptions): Promise<Client> {
  const known = await loadKnownHosts(target.knownHostsFiles);
  // With no usable key the connection is still made, like ssh: an unreachable host or a
  // bad host key is the more important news, and an empty method list then fails auth.
  const auth = await prepareAuth(target, (data) => ssh2.utils.parseKey(data));
  const preferred = preferredHostKeyAlgorithms(known, target.host, target.port);
  const client = new ssh2.Client();
  let verdict: HostKeyVerdict | undefined;
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    readyTimeout: o.timeoutMs,
    keepaliveInterval: o.keepaliveIntervalMs,
    keepaliveCountMax: o.keepaliveCountMax,
    authHandler: auth.methods,
    // The only gate between us and an impostor: no known, matching key, no connection.
    hostVerifier: (key: Buffer) => {
      verdict = verifyHostKey(known, target.host, target.port, key);
      return verdict.kind === 'trusted';
    },
    // @types/ssh2 wants all of append/prepend/remove; ssh2 itself takes any of them.
    algorithms: preferred.length ? ({ serverHostKey: { prepend: preferred } } as unknown as ConnectConfig['algorithms']) : undefined,
  };
  return new Promise<Client>((resolve, reject) => {
    const settle = (fn: () => void) => {
      client.removeListener('ready', onReady).removeListener('error', onError).removeListener('close', onClose);
      // Late errors from a failed or closing client must not crash the extension host.
      client.on('error', () => undefined);
      fn();
    };
    const onReady = () => settle(() => resolve(client));
    const onError = (e: SshLibError) => {
      // A failing agent key is not fatal: ssh2 goes on with the next key.
      if (e.level === 'agent') {
        o.log.debug(`ssh-agent signing failed for ${targetLabel(target)}: ${e.message}`);
        return;
      }
      settle(() => {
        client.destroy();
        if (verdict && verdict.kind !== 'trusted') reject(hostKeyError(target, verdict));
        else if (e.level === 'client-authentication') reject(authFailedError(target, auth.report, e));
        else if (isTransientConnectError(e)) reject(new TransientFailure(e));
        else reject(handshakeError(target, e));
      });
    };
    const onClose = () => settle(() => reject(new TransientFailure(Object.assign(new Error('the server closed the connection before it was ready'), { level: 'protocol' }))));
    client.on('ready', onReady).on('error', onError).on('close', onClose);
    try {
      client.connect(config);
    } catch (e) {
      settle(() => reject(handshakeError(target, e as SshLibError)));
    }
  });
}

export async function loadKnownHosts(files: readonly string[]): Promise<KnownHostsEntry[]> {
  const out: KnownHostsEntry[] = [];
  for (const f of files) {
    try {
      out.push(...parseKnownHosts(await readFile(f, 'utf8'), f));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') {
        throw new TmuxAgentsError('host-key', `Cannot read the known_hosts file ${f}: ${errorMessage(e)}.`, 'Fix its permissions, or set knownHostsPath to a readable file.');
      }
    }
  }
  return out;
}
