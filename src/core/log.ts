// The core logs through this port; the VS Code layer backs it with a LogOutputChannel.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  trace(msg: string): void;
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string | Error): void;
}

export type LogSink = (level: LogLevel, msg: string) => void;

const SECRET_PATTERNS: RegExp[] = [
  // KEY=value pairs whose name says secret
  /\b([A-Z0-9_]*(?:API_KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)[A-Z0-9_]*)=("[^"]*"|'[^']*'|\S+)/gi,
  // Provider key shapes
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g,
];

/** Removes things that look like secrets; applied to every log line. */
export function redact(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const s of extraSecrets) {
    if (s.length >= 4) out = out.split(s).join('***');
  }
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (m, name: string | undefined) =>
      typeof name === 'string' && m.includes('=') ? `${name}=***` : '***',
    );
  }
  return out;
}

export function createLogger(sink: LogSink, component?: string, secrets: () => readonly string[] = () => []): Logger {
  const tag = component ? `[${component}] ` : '';
  const emit = (level: LogLevel, msg: string | Error) => {
    const text = msg instanceof Error ? (msg.stack ?? msg.message) : msg;
    sink(level, redact(tag + text, secrets()));
  };
  return {
    trace: (m) => emit('trace', m),
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
  };
}

export function childLogger(parent: Logger, component: string): Logger {
  const p = `[${component}] `;
  return {
    trace: (m) => parent.trace(p + m),
    debug: (m) => parent.debug(p + m),
    info: (m) => parent.info(p + m),
    warn: (m) => parent.warn(p + m),
    error: (m) => parent.error(m instanceof Error ? m : p + m),
  };
}

export const nullLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};
