// Host credentials the AI CLIs and git read, mounted read-only into the agent user's home
// so an agent in a container is logged in like the user. Only paths that exist are
// mounted; a setting chooses which. Two caveats users must know (see README):
//   - ~/.ssh gives the agent every key in it (push access, other servers), so it is only
//     mounted when the setting names it;
//   - a read-only copy of an OAuth login cannot refresh itself: when the token expires the
//     CLI asks to log in again. API keys through SecretStorage avoid that.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, normalize } from 'node:path';
import { TmuxAgentsError } from '../../core/errors';

export const CONTAINER_HOME = '/home/agent';

/** Home-relative paths, in mount order. */
export const KNOWN_CREDENTIAL_PATHS = [
  '.config/claude',
  '.claude',
  '.claude.json',
  '.gemini',
  '.config/gcloud',
  '.codex',
  '.aider',
  '.gitconfig',
  '.ssh',
] as const;

/** Everything known except ~/.ssh, which must be asked for by name. */
export const DEFAULT_CREDENTIAL_PATHS: readonly string[] = KNOWN_CREDENTIAL_PATHS.filter((p) => p !== '.ssh');

/**
 * The `credentialMounts` setting: true/undefined for the default set, false for none, or
 * a list of home-relative paths (the known ones above or any other, e.g. ".config/opencode").
 */
export type CredentialMountSetting = boolean | readonly string[] | undefined;

export interface CredentialMount {
  /** Absolute path on the daemon's machine (this machine: only used with local daemons). */
  source: string;
  /** Absolute path in the container. */
  target: string;
}

/** Validates and normalizes the setting to home-relative paths; throws before anything is created. */
export function selectedCredentialPaths(setting: CredentialMountSetting): string[] {
  if (setting === undefined || setting === true) return [...DEFAULT_CREDENTIAL_PATHS];
  if (setting === false) return [];
  const out: string[] = [];
  for (const raw of setting) {
    const p = normalize(String(raw).trim()).replace(/^~\//, '').replace(/\/+$/, '');
    if (!p || p === '.' || isAbsolute(p) || p.split('/').includes('..') || p.startsWith('~')) {
      throw new TmuxAgentsError(
        'invalid-input',
        `credentialMounts entry ${JSON.stringify(raw)} is not a path inside the home folder.`,
        `Use home-relative paths such as ${KNOWN_CREDENTIAL_PATHS.map((k) => JSON.stringify(k)).join(', ')}.`,
      );
    }
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** The read-only mounts for the selected paths that exist under `homeDir`. */
export function resolveCredentialMounts(
  setting: CredentialMountSetting,
  opts: { homeDir?: string; exists?: (path: string) => boolean } = {},
): CredentialMount[] {
  const home = opts.homeDir ?? homedir();
  const exists = opts.exists ?? ((p: string) => statSync(p, { throwIfNoEntry: false }) !== undefined);
  return selectedCredentialPaths(setting)
    .filter((rel) => exists(join(home, rel)))
    .map((rel) => ({ source: join(home, rel), target: `${CONTAINER_HOME}/${rel}` }));
}
