// What the tmux change watcher subscribes to for the status service: the values whose
// change must reach the tree at once (a pane died, an agent's hook reported), and output
// activity, which only matters through a fresh screen capture. `#{S:…}` loops over every
// session on the server, so one subscription covers all agents.
import type { WatchFormats } from '../tmux/tmuxChangeWatcher';
import { HOOK_OPTION } from './agentHooks';

export const STATUS_WATCH_FORMATS: WatchFormats = {
  state: `#{S:#{session_name}=#{pane_dead}/#{${HOOK_OPTION.state}}/#{${HOOK_OPTION.at}},}`,
  activity: '#{S:#{window_activity},}',
};
