import { TmuxHostRuntime, type TmuxHostRuntimeOptions } from '../tmuxHost/tmuxHostRuntime';
import { homedir } from 'node:os';
import { LocalProcessExecutor } from './localProcessExecutor';

function expandHome(path: string | undefined): string | undefined {
  return path?.startsWith('~/') ? homedir() + path.slice(1) : path;
}

export const DEFAULT_LOCAL_SOCKET = 'tmux-agents';

export type LocalRuntimeOptions = Omit<TmuxHostRuntimeOptions, 'executor' | 'socketName' | 'label' | 'utf8' | 'tmuxConfigFile'> & {
  label?: string;
  socketName?: string;
  /** Config our private tmux server starts with; default none, so ~/.tmux.conf cannot affect agents. */
  tmuxConfigFile?: string;
};

/** Agents in tmux sessions on this machine, on our own tmux server (`-L tmux-agents`). */
export class LocalRuntime extends TmuxHostRuntime {
  readonly type = 'local';

  constructor(opts: LocalRuntimeOptions) {
    super({
      ...opts,
      label: opts.label ?? 'Local',
      socketName: opts.socketName ?? DEFAULT_LOCAL_SOCKET,
      executor: new LocalProcessExecutor(),
      // VS Code may run without a UTF-8 locale (a container, a service); tmux then mangles
      // the tabs of its -F output, so listing would find nothing.
      utf8: true,
      tmuxConfigFile: expandHome(opts.tmuxConfigFile) || '/dev/null',
    });
  }

  protected wrapAttach(tmuxAttachArgv: string[]): string[] {
    return tmuxAttachArgv;
  }
}
