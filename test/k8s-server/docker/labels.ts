// Docker labels on everything this server creates, so stop() and a later sweep can find
// it: which server instance made it, which process owns that instance (pid plus the
// process start time, so a recycled pid is not mistaken for a live owner), and which pod.
import { readFileSync } from 'node:fs';

export const LABEL_MANAGED = 'tmux-agents-k8s-test';
export const LABEL_INSTANCE = 'tmux-agents-k8s-test.instance';
export const LABEL_OWNER_PID = 'tmux-agents-k8s-test.owner-pid';
export const LABEL_OWNER_START = 'tmux-agents-k8s-test.owner-start';
export const LABEL_NAMESPACE = 'tmux-agents-k8s-test.namespace';
export const LABEL_POD = 'tmux-agents-k8s-test.pod';
export const LABEL_POD_UID = 'tmux-agents-k8s-test.pod-uid';
export const LABEL_CONTAINER = 'tmux-agents-k8s-test.container';
export const LABEL_VOLUME_KIND = 'tmux-agents-k8s-test.volume-kind';

/** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), or undefined if gone. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // no such process
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

export function isOwnerAlive(pid: number, startTime: string): boolean {
  return Number.isInteger(pid) && pid > 0 && processStartTime(pid) === startTime;
}

export function ownerLabels(instanceId: string): Record<string, string> {
  return {
    [LABEL_MANAGED]: 'true',
    [LABEL_INSTANCE]: instanceId,
    [LABEL_OWNER_PID]: String(process.pid),
    [LABEL_OWNER_START]: processStartTime(process.pid) ?? 'unknown',
  };
}
