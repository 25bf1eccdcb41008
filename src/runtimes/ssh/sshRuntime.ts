// Agents in tmux sessions on a remote host, reached over one shared SSH connection. The
// agent model (labelled sessions, spawn/list/kill/capture) is TmuxHostRuntime's; this class
// only supplies the executor (exec channels) and the attach command (the ssh client).
import { TmuxAgentsError } from '../../core/errors';
import { validateRuntimeId } from '../../core/ids';
import type { Logger } from '../../core/log';
import { DEFAULT_LOCAL_SOCKET } from '../local/localRuntime';
import { TmuxHostRuntime, type TmuxHostRuntimeOptions } from '../tmuxHost/tmuxHostRuntime';
import { sshAttachArgv } from './sshAttach';
import { SshConnection } from './sshConnection';
import { SshExecExecutor } from './sshExecExecutor';
import { validateSshHostOptions, type ResolveEnv, type SshHostOptions } from './sshTarget';

/**
 * One registered SSH host. The setting `tmuxAgents.runtimes` entries map onto it directly:
 * `{ "type": "ssh", "id": "build-box", "host": "build.example.com", "port": 22, "user": "dev",
 *    "identityFile": "~/.ssh/id_ed25519" }` or `{ "type": "ssh", "id": "gpu", "alias": "gpu-box" }`.
 */
export type SshRuntimeOptions = SshHostOptions &
  Omit<TmuxHostRuntimeOptions, 'executor' | 'socketName' | 'label' | 'utf8'> & {
    /** Tree label. Default "ssh: <alias or user@host>". */
    label?: string;
    /** tmux `-L` socket name on the host, as for the local runtime. Default "tmux-agents". */
    socketName?: string;
    /** Per connect attempt (TCP, handshake, authentication). Default 10 000 ms. */
    connectTimeoutMs?: number;
    /** Connect attempts (with doubling backoff from 250 ms) before a host counts as unreachable. Default 3. */
    connectAttempts?: number;
    /** SSH keep-alive interval. Default 15 000 ms; 3 missed answers drop the connection. */
    keepaliveIntervalMs?: number;
    /** Exec channels open at once on the connection (sshd's MaxSessions is 10 by default). Default 8. */
    maxChannels?: number;
    logger?: Logger;
    /** Home directory, local user and ssh-agent socket; for tests. */
    env?: ResolveEnv;
  };

const SOCKET_NAME = /^[A-Za-z0-9._-]{1,100}$/;

export class SshRuntime extends TmuxHostRuntime {
  readonly type = 'ssh';
  private readonly connection: SshConnection;
  private readonly hostOptions: SshHostOptions;
  private readonly localUser?: string;

  constructor(opts: SshRuntimeOptions) {
    validateRuntimeId(opts.id);
    validateSshHostOptions(opts, opts.id);
    const socketName = opts.socketName ?? DEFAULT_LOCAL_SOCKET;
    if (!SOCKET_NAME.test(socketName)) {
      throw new TmuxAgentsError('invalid-input', `SSH runtime "${opts.id}": invalid tmux socket name ${JSON.stringify(socketName)}.`, 'Use letters, digits, ".", "_" and "-".');
    }
    const hostOptions: SshHostOptions = {
      host: opts.host,
      port: opts.port,
      user: opts.user,
      identityFile: opts.identityFile,
      useAgent: opts.useAgent,
      alias: opts.alias,
      knownHostsPath: opts.knownHostsPath,
      sshConfigPath: opts.sshConfigPath,
    };
    const connection = new SshConnection({
      host: hostOptions,
      connectTimeoutMs: opts.connectTimeoutMs,
      connectAttempts: opts.connectAttempts,
      keepaliveIntervalMs: opts.keepaliveIntervalMs,
      maxChannels: opts.maxChannels,
      logger: opts.logger,
      env: opts.env,
    });
    super({
      ...opts,
      label: opts.label ?? `ssh: ${opts.alias ?? (opts.user ? `${opts.user}@${opts.host}` : opts.host)}`,
      socketName,
      executor: new SshExecExecutor(connection),
      // sshd passes no locale unless the host sets one, and tmux then mangles the tabs of its
      // -F output; the attach terminal (VS Code's) is UTF-8 too.
      utf8: true,
    });
    this.connection = connection;
    this.hostOptions = hostOptions;
    this.localUser = opts.env?.localUser;
  }

  /** Where commands run ("ssh host dev@box:22"), for messages and the tree's tooltip. */
  get where(): string {
    return this.connection.where;
  }

  /** The shared connection, for diagnostics (connected, connect count). */
  get sshConnection(): SshConnection {
    return this.connection;
  }

  protected wrapAttach(tmuxAttachArgv: string[]): string[] {
    const localUser = this.localUser;
    return sshAttachArgv(this.hostOptions, tmuxAttachArgv, localUser === undefined ? undefined : () => localUser);
  }

  override dispose(): void {
    super.dispose();
    this.connection.dispose();
  }
}
