// Runs a CLI (docker, ssh, kubectl) as a child process, the way the naive baseline does.
import { execFile } from 'node:child_process';

export interface CliResult {
  stdout: string;
  stderr: string;
}

/** Resolves with the output; rejects with stderr when the command fails. */
export function runCli(file: string, args: readonly string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.TMUX;
    delete env.TMUX_PANE;
    execFile(file, [...args], { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.slice(0, 3).join(' ')} failed: ${(stderr || err.message).trim().split('\n')[0]}`));
      else resolve({ stdout, stderr });
    });
  });
}
