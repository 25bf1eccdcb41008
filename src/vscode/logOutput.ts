import * as vscode from 'vscode';
import { createLogger, type Logger, type LogLevel } from '../core/log';

/** The one log: a LogOutputChannel the core writes to through its vscode-free Logger port. */
export function createOutputLogger(secrets: () => readonly string[]): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('Tmux Agents', { log: true });
  const write: Record<LogLevel, (m: string) => void> = {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { channel, logger: createLogger((level, msg) => write[level](msg), undefined, secrets) };
}
