// The AI CLIs we know how to launch, as data. Users override any field in settings.
import { TmuxAgentsError } from './errors';

export interface ProviderDefinition {
  id: string;
  label: string;
  /** argv of the CLI. */
  command: string[];
  /** Flags that let the agent act without asking, as each CLI documents them. */
  autoPilotArgs: string[];
  /** Regex (source) that matches the pane once the CLI accepts input. */
  readyPattern?: string;
  /** Regex (source) of questions the CLI asks before it is ready (trust dialog, login). */
  blockedPattern?: string;
  env?: Record<string, string>;
}

export const BUILTIN_PROVIDERS: readonly ProviderDefinition[] = [
  {
    id: 'claude',
    label: 'Claude Code',
    command: ['claude'],
    autoPilotArgs: ['--dangerously-skip-permissions'],
    readyPattern: '\\? for shortcuts|^\\s*[>❯]\\s',
    blockedPattern: 'Do you trust the files|Is this a project you created or one you trust|Do you want to use this API key|Select login method|Choose the text style',
  },
  {
    id: 'gemini',
    label: 'Gemini CLI',
    command: ['gemini'],
    autoPilotArgs: ['--yolo'],
    readyPattern: 'Type your message',
    blockedPattern: 'Do you trust the files in this folder|How would you like to authenticate|Enter Gemini API Key',
  },
  {
    id: 'codex',
    label: 'Codex',
    command: ['codex'],
    autoPilotArgs: ['--dangerously-bypass-approvals-and-sandbox'],
    readyPattern: 'send\\s+\\S*\\s*newline|▌|›',
    blockedPattern: 'Sign in with ChatGPT|Trust this folder|Paste or type your API key',
  },
  {
    id: 'aider',
    label: 'Aider',
    command: ['aider'],
    autoPilotArgs: ['--yes-always'],
    readyPattern: '^\\S*>\\s*$',
  },
  {
    id: 'opencode',
    label: 'OpenCode',
    command: ['opencode'],
    autoPilotArgs: [],
    readyPattern: 'enter\\s+send|ctrl\\+p',
  },
  {
    id: 'custom',
    label: 'Custom command',
    command: [],
    autoPilotArgs: [],
  },
];

export type ProviderOverrides = Record<string, Partial<Omit<ProviderDefinition, 'id'>>>;

export interface AgentLaunch {
  argv: string[];
  env: Record<string, string>;
  readyPattern?: RegExp;
  blockedPattern?: RegExp;
  /** Called once if the CLI asks a question before it is ready. */
  onBlocked?: (line: string) => void;
}

export interface ProviderCatalogOptions {
  /**
   * Adjusts every resolved launch, e.g. to add the agent's lifecycle hooks. Applied here so
   * every runtime (and Docker's restore after a daemon restart) launches the same argv.
   */
  decorateLaunch?: (providerId: string, launch: AgentLaunch) => AgentLaunch;
}

export class ProviderCatalog {
  private readonly byId = new Map<string, ProviderDefinition>();
  private readonly decorateLaunch?: ProviderCatalogOptions['decorateLaunch'];

  constructor(overrides: ProviderOverrides = {}, opts: ProviderCatalogOptions = {}) {
    this.decorateLaunch = opts.decorateLaunch;
    for (const p of BUILTIN_PROVIDERS) this.byId.set(p.id, { ...p, ...(overrides[p.id] ?? {}), id: p.id });
  }

  list(): ProviderDefinition[] {
    return [...this.byId.values()];
  }

  get(id: string): ProviderDefinition {
    const p = this.byId.get(id);
    if (!p) {
      throw new TmuxAgentsError(
        'invalid-input',
        `Unknown AI provider ${JSON.stringify(id)}.`,
        `Use one of: ${[...this.byId.keys()].join(', ')}.`,
      );
    }
    return p;
  }

  /** The exact argv, env and readiness rule for an agent; throws before anything is created. */
  resolveLaunch(cfg: { aiProvider: string; autoPilot?: boolean; customCommand?: string; env?: Record<string, string>; onBlocked?: (line: string) => void }): AgentLaunch {
    const p = this.get(cfg.aiProvider);
    let argv: string[];
    if (p.id === 'custom') {
      const line = cfg.customCommand?.trim();
      if (!line) {
        throw new TmuxAgentsError('invalid-input', 'The custom provider needs a command line to run.', 'Enter the command (for example "python3 my_agent.py").');
      }
      // The user's own command line, deliberately run by a shell; task text never is.
      argv = ['sh', '-c', line];
    } else {
      if (p.command.length === 0) {
        throw new TmuxAgentsError('invalid-input', `Provider ${p.id} has no command configured.`, 'Set tmuxAgents.providers in settings.');
      }
      argv = [...p.command, ...(cfg.autoPilot ? p.autoPilotArgs : [])];
    }
    const compile = (field: 'readyPattern' | 'blockedPattern'): RegExp | undefined => {
      const src = p[field];
      if (!src) return undefined;
      try {
        return new RegExp(src, 'm');
      } catch (e) {
        throw new TmuxAgentsError('invalid-input', `Provider ${p.id} has an invalid ${field}: ${(e as Error).message}.`, 'Fix tmuxAgents.providers in settings.');
      }
    };
    const readyPattern = compile('readyPattern');
    const blockedPattern = compile('blockedPattern');
    for (const [k, v] of Object.entries(cfg.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
        throw new TmuxAgentsError('invalid-input', `Invalid environment variable name ${JSON.stringify(k)}.`, 'Use letters, digits and underscores, not starting with a digit.');
      }
      if (v.includes('\0')) throw new TmuxAgentsError('invalid-input', `Environment variable ${k} contains a NUL byte.`);
    }
    const launch: AgentLaunch = { argv, env: { ...(p.env ?? {}), ...(cfg.env ?? {}) }, readyPattern, blockedPattern, onBlocked: cfg.onBlocked };
    return this.decorateLaunch ? this.decorateLaunch(p.id, launch) : launch;
  }
}
