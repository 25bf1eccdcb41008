// Live updates for agents in containers: one tmux change watcher per container whose
// session exists (each container runs its own tmux server), attached by the listing and
// dropped with the container. Their pushes are merged into one hint for the runtime, and
// output activity from any number of busy containers is passed on at most once per
// throttle, so fifty busy agents do not mean fifty re-lists.
import type { Disposable } from '../../core/lifecycle';
import { Throttle } from '../../core/throttle';
import { nullLogger, type Logger } from '../../core/log';
import { STATUS_WATCH_FORMATS } from '../../status/watchFormats';
import { TmuxChangeWatcher, type TmuxChange } from '../../tmux/tmuxChangeWatcher';
import type { TmuxService } from '../../tmux/tmuxService';

export interface WatchTarget {
  containerId: string;
  session: string;
  tmux: TmuxService;
}

export interface ContainerWatchersOptions {
  onChange: () => void;
  /** Activity from all containers together, at most this often. Default 2000. */
  activityThrottleMs?: number;
  logger?: Logger;
}

export class ContainerWatchers implements Disposable {
  private readonly watchers = new Map<string, TmuxChangeWatcher>();
  private watched: string[] = [];
  private readonly activity: Throttle;

  constructor(private readonly opts: ContainerWatchersOptions) {
    this.activity = new Throttle(opts.activityThrottleMs ?? 2_000, () => opts.onChange());
  }

  /** True when every container with a session is watched live (and there is one). */
  get isLive(): boolean {
    return this.watched.length > 0 && this.watched.every((id) => this.watchers.get(id)?.isLive === true);
  }

  /** Watches exactly these containers from now on; resolves once each has tried to attach. */
  async sync(targets: readonly WatchTarget[]): Promise<void> {
    const wanted = new Set(targets.map((t) => t.containerId));
    for (const id of [...this.watchers.keys()]) if (!wanted.has(id)) this.forget(id);
    this.watched = [...wanted];
    await Promise.all(
      targets.map((t) => {
        let w = this.watchers.get(t.containerId);
        if (!w) {
          // Each watcher passes activity on at once; the merge below throttles it.
          w = new TmuxChangeWatcher({ tmux: t.tmux, formats: STATUS_WATCH_FORMATS, activityThrottleMs: 0, logger: this.opts.logger ?? nullLogger });
          w.onDidChange((kind) => this.changed(kind));
          this.watchers.set(t.containerId, w);
        }
        return w.ensureAttached([t.session]);
      }),
    );
  }

  forget(containerId: string): void {
    this.watchers.get(containerId)?.dispose();
    this.watchers.delete(containerId);
    this.watched = this.watched.filter((id) => id !== containerId);
  }

  /** Lets go of every container (nobody listens any more). */
  clear(): void {
    for (const id of [...this.watchers.keys()]) this.forget(id);
    this.activity.cancel();
  }

  private changed(kind: TmuxChange): void {
    if (kind === 'activity') this.activity.trigger();
    else this.opts.onChange();
  }

  dispose(): void {
    this.clear();
  }
}
