// How API keys (AgentConfig.secretEnv) reach an agent in a pod. Decision: through the
// exec stream, never through an API object.
//   - Pod spec env: anyone with `get pods` reads them, and they sit in etcd.
//   - A per-agent Secret + envFrom: better, but still stored in etcd (often unencrypted),
//     readable with `get secrets`, needs create/delete secrets RBAC, and must be cleaned up.
//   - tmux `-e KEY=value` on the exec command line: the command is in the exec request's
//     URL, which API server audit logs record.
// So the keys are written on exec stdin (the stream body is not logged) into a 0600 file
// on the pod's memory-backed scratch volume; the CLI's launch wrapper sources it, deletes
// it, and execs the CLI. The keys then live only in the agent process's environment.
import { TmuxAgentsError } from '../../core/errors';
import { shellQuote } from '../../tmux/shellQuote';

/** Memory-backed emptyDir (see podSpec): the key file never touches a disk. */
export const RUN_DIR = '/run/tmux-agents';
export const SECRET_ENV_FILE = `${RUN_DIR}/secret-env`;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkSecretEnv(env: Readonly<Record<string, string>> | undefined): void {
  for (const [k, v] of Object.entries(env ?? {})) {
    if (!ENV_NAME.test(k)) {
      throw new TmuxAgentsError('invalid-input', `Invalid secret environment variable name ${JSON.stringify(k)}.`, 'Use letters, digits and underscores, not starting with a digit.');
    }
    if (typeof v !== 'string' || v.includes('\0')) throw new TmuxAgentsError('invalid-input', `Secret environment variable ${k} must be a string without NUL bytes.`);
  }
}

/** The file's content: one `export NAME='value'` per key, safe to source for any value. */
export function secretEnvScript(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}\n`)
    .join('');
}

/** Writes stdin to the file, readable by the agent user only. */
export function writeSecretEnvArgv(path = SECRET_ENV_FILE): string[] {
  return ['sh', '-c', 'umask 077 && cat > "$1"', 'sh', path];
}

/** Wraps the CLI's argv: load the keys, delete the file, then become the CLI. */
export function withSecretEnv(argv: readonly string[], path = SECRET_ENV_FILE): string[] {
  return ['sh', '-c', '. "$1" && rm -f -- "$1" && shift && exec "$@"', 'sh', path, ...argv];
}
