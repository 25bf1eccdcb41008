// What each AI CLI's screen looks like when it waits for the user, works, or sits at an
// empty prompt, as data. Claude Code 2.1.332, Gemini CLI 0.61.0 and Codex 0.169.0 rules were
// derived from real captures of those CLIs in tmux (test/fixtures/screens/); Aider and
// OpenCode are not in the agent image, so their rules follow their documented UI and source
// strings and are marked as such. Users add or replace rules per provider in settings.

export type ScreenStatus = 'waiting' | 'working' | 'idle';

/**
 * Evaluation order: a dialog on screen beats everything (Claude and Codex keep their empty
 * input box under a permission prompt), a busy marker beats the input box that working CLIs
 * also draw, and the input box alone means the turn is over.
 */
export const SCREEN_STATUS_ORDER: readonly ScreenStatus[] = ['waiting', 'working', 'idle'];

export interface ScreenRuleSpec {
  /** Named in the status reason ("screen: trust dialog"). */
  label: string;
  /** Regex source, compiled with the `m` flag (and `flags`). */
  pattern: string;
  flags?: string;
  /**
   * Only the last N meaningful lines are searched (blank and pure box-drawing lines do not
   * count). Old dialogs and old spinners scroll up but stay on screen; the bottom is now.
   */
  lastLines?: number;
  /**
   * A generic marker (a dialog footer shared by many dialogs): used only when no specific
   * rule of the same status matches, so the reason names the dialog, not its footer.
   */
  fallback?: boolean;
}

export type ProviderScreenRules = Readonly<Record<ScreenStatus, readonly ScreenRuleSpec[]>>;

export const DEFAULT_LAST_LINES = 15;

const CLAUDE: ProviderScreenRules = {
  waiting: [
    // "Quick safety check: Is this a project you created or one you trust?" ... "Yes, I trust this folder"
    { label: 'trust dialog', pattern: 'Is this a project you created or one you trust|Yes, I trust this folder|Do you trust the files in this folder' },
    // "Bash command ... Do you want to proceed?\n❯ 1. Yes\n  2. Yes, and don't ask again ..."
    // The question must sit right above its numbered menu: Claude's prose may ask questions too.
    { label: 'permission prompt', pattern: "Do you want to [^\\n]*\\?\\n\\s*❯?\\s*1\\. Yes|No, and tell Claude what to do differently|This command requires approval" },
    // AskUserQuestion: "Enter to select · ↑/↓ to navigate · Esc to cancel"
    { label: 'question', pattern: 'Enter to select · ↑/↓ to navigate', lastLines: 4, fallback: true },
    // "Do you want to use this API key?" and every other confirm dialog end with this footer.
    { label: 'choice menu', pattern: 'Enter to confirm · Esc to cancel|Esc to cancel · Tab to amend', lastLines: 4, fallback: true },
  ],
  working: [
    // Footer while a turn runs: "⏸ manual mode on · esc to interrupt".
    { label: 'esc to interrupt', pattern: 'esc to interrupt', flags: 'i', lastLines: 6 },
    // Spinner line: a glyph, a gerund and an ellipsis ("· Misting…", "✻ Thinking…").
    // ("✻ Worked for 1s · done" is the finished form: no ellipsis.)
    { label: 'spinner', pattern: '^[·✢✳✶✻✽]\\s+\\S[^\\n]*…', lastLines: 8 },
  ],
  idle: [
    // The input box: "❯" between two horizontal rules, with or without placeholder text.
    { label: 'input prompt', pattern: '^─{8,}[^\\n]*\\n❯[^\\n]*\\n─{8,}', lastLines: 5 },
  ],
};

const GEMINI: ProviderScreenRules = {
  waiting: [
    { label: 'trust dialog', pattern: 'Do you trust the files in this folder\\?' },
    // "How would you like to authenticate for this project?", "Enter Gemini API Key",
    // "⠋ Waiting for authentication... (Press Esc or Ctrl+C to cancel)": the user must sign in.
    { label: 'sign-in dialog', pattern: 'How would you like to authenticate|Enter Gemini API Key|Waiting for authentication\\.\\.\\.' },
    // Tool confirmations (bundle strings): "Allow execution of: ...?", "Apply this change?",
    // "Do you want to proceed?", each with the options "Allow once" / "Allow for this session"
    // / "No, suggest changes (esc)"; the options, not the question, are matched (prose asks too).
    { label: 'permission prompt', pattern: 'Allow execution of|Allow once|Allow for this session|Waiting for user confirmation|No, suggest changes \\(esc\\)' },
  ],
  working: [
    // "⠋ Thinking... (esc to cancel, 2s)"
    { label: 'esc to cancel', pattern: '\\(esc to cancel, ', lastLines: 12 },
  ],
  idle: [
    { label: 'input prompt', pattern: 'Type your message or @path/to/file', lastLines: 6 },
  ],
};

const CODEX: ProviderScreenRules = {
  waiting: [
    // "Trust this folder? Codex can read, edit, and run files here ..." / "› 1. Trust and continue"
    { label: 'trust dialog', pattern: 'Trust this folder\\?|Trust and continue|Do you trust the contents of this directory' },
    // First run without credentials: "Sign in with ChatGPT", "Paste or type your API key below."
    { label: 'sign-in', pattern: 'Sign in with ChatGPT|Sign in another way|Paste or type your API key|Use your own OpenAI API key' },
    // Approval overlays (binary strings of codex 0.169.0): "Would you like to run the
    // following command?", "... make the following edits?", "Yes, just this once".
    { label: 'approval prompt', pattern: 'Would you like to (?:run the following command|make the following edits|grant these permissions|send input to)|Yes, just this once|No, and tell Codex what to do differently' },
  ],
  working: [
    // "• Working (3s • esc to interrupt)", "• Reconnecting... 2/5 (0s • esc to interrupt)"
    { label: 'esc to interrupt', pattern: 'esc to interrupt', flags: 'i', lastLines: 10 },
  ],
  idle: [
    // The composer: "› Ask Codex to do anything" (placeholder) or "› <typed text>", above the footer.
    { label: 'input prompt', pattern: '^›\\s', lastLines: 4 },
  ],
};

/** Not in the agent image: from Aider's documented UI and source (io.confirm_ask, waiting.py). */
const AIDER: ProviderScreenRules = {
  waiting: [
    // "Create new file? (Y)es/(N)o [Yes]:", "Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]:"
    { label: 'confirmation prompt', pattern: '\\(Y\\)es/\\(N\\)o[^\\n]*\\[(?:Yes|No)\\]:\\s*$', lastLines: 2 },
  ],
  working: [
    // WaitingSpinner("Waiting for <model>") while the LLM answers.
    { label: 'waiting for the model', pattern: 'Waiting for \\S+\\s*$', lastLines: 2 },
  ],
  idle: [
    // The prompt: "> " in code mode, "ask> ", "architect> ", "multi> " in the others.
    { label: 'input prompt', pattern: '^[a-z-]*>\\s*$', lastLines: 1 },
  ],
};

/** Not in the agent image: from OpenCode's documented TUI (permission dialog, footer hints). */
const OPENCODE: ProviderScreenRules = {
  waiting: [
    // "Permission required" with "Allow once" / "Allow always" / "Reject".
    { label: 'permission prompt', pattern: 'Permission required|Allow once[^\\n]*Allow always' },
    // Questions: "enter submit · esc dismiss"
    { label: 'question', pattern: 'enter submit[^\\n]*esc dismiss', flags: 'i', lastLines: 6 },
  ],
  working: [{ label: 'esc interrupt', pattern: 'esc (?:to )?interrupt', flags: 'i', lastLines: 6 }],
  idle: [{ label: 'input prompt', pattern: 'enter\\s+send|ctrl\\+p', flags: 'i', lastLines: 6 }],
};

/** `custom` has none: a user's own command shows whatever it likes (add rules in settings). */
export const BUILTIN_SCREEN_RULES: Readonly<Record<string, ProviderScreenRules>> = {
  claude: CLAUDE,
  gemini: GEMINI,
  codex: CODEX,
  aider: AIDER,
  opencode: OPENCODE,
};

/** Settings shape: extra regexes per provider and status; `replace` drops the built-in ones. */
export type ScreenRuleOverrides = Record<string, { waiting?: string[]; working?: string[]; idle?: string[]; replace?: boolean }>;

export interface CompiledScreenRule {
  status: ScreenStatus;
  label: string;
  regex: RegExp;
  lastLines: number;
  fallback: boolean;
}

export interface ScreenRuleSet {
  /** Rules of a provider in evaluation order, or undefined when it has none. */
  forProvider(provider: string): readonly CompiledScreenRule[] | undefined;
  /** Settings that could not be used (bad regex, unknown status); the rest still apply. */
  readonly errors: readonly string[];
}

function compile(status: ScreenStatus, spec: ScreenRuleSpec): CompiledScreenRule {
  const flags = `m${(spec.flags ?? '').replace(/[mgy]/g, '')}`;
  return { status, label: spec.label, regex: new RegExp(spec.pattern, flags), lastLines: spec.lastLines ?? DEFAULT_LAST_LINES, fallback: !!spec.fallback };
}

/**
 * Built-in rules merged with the user's: user regexes for a status are tried before the
 * built-in ones of that status, statuses keep their order. An invalid user regex is
 * reported in `errors` and skipped, so one typo does not switch detection off.
 */
export function buildScreenRules(
  overrides: ScreenRuleOverrides = {},
  builtins: Readonly<Record<string, ProviderScreenRules>> = BUILTIN_SCREEN_RULES,
): ScreenRuleSet {
  const errors: string[] = [];
  const byProvider = new Map<string, CompiledScreenRule[]>();
  const providers = new Set([...Object.keys(builtins), ...Object.keys(overrides ?? {})]);
  for (const provider of providers) {
    const builtin = builtins[provider];
    const user = overrides?.[provider];
    const rules: CompiledScreenRule[] = [];
    for (const status of SCREEN_STATUS_ORDER) {
      const extra = user?.[status];
      if (extra !== undefined && !Array.isArray(extra)) {
        errors.push(`Screen rules for ${provider}.${status} must be a list of regular expressions.`);
      }
      for (const [i, source] of (Array.isArray(extra) ? extra : []).entries()) {
        try {
          if (typeof source !== 'string' || !source) throw new Error('not a non-empty string');
          rules.push(compile(status, { label: `custom rule /${source}/`, pattern: source }));
        } catch (e) {
          errors.push(`Screen rule ${provider}.${status}[${i}] ${JSON.stringify(source)} is not a valid regular expression: ${(e as Error).message}.`);
        }
      }
      if (!user?.replace) for (const spec of builtin?.[status] ?? []) rules.push(compile(status, spec));
    }
    if (user) {
      for (const key of Object.keys(user)) {
        if (key !== 'replace' && !(SCREEN_STATUS_ORDER as readonly string[]).includes(key)) {
          errors.push(`Unknown screen rule status ${JSON.stringify(key)} for ${provider}: use waiting, working or idle.`);
        }
      }
    }
    if (rules.length) byProvider.set(provider, rules);
  }
  return { forProvider: (p) => byProvider.get(p), errors };
}

// Box drawing and block elements: the frames of TUI dialogs carry no meaning of their own.
const DECORATION_ONLY = /^[\s\u2500-\u259f]*$/;

/** The meaningful lines of a captured screen, top to bottom, trailing spaces removed. */
export function meaningfulLines(screen: string): string[] {
  return screen
    .split('\n')
    .map((l) => l.replace(/[\s\u2502\u2503]+$/u, '').replace(/^[\u2502\u2503]\s?/u, ''))
    .filter((l) => !DECORATION_ONLY.test(l) || /─{8,}/.test(l));
}

export interface ScreenMatch {
  status: ScreenStatus;
  label: string;
}

/** Characters from the end of `text` to the start of the last match of `regex`, or -1. */
function distanceFromBottom(regex: RegExp, text: string): number {
  const g = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
  let last = -1;
  for (let m = g.exec(text); m; m = g.exec(text)) {
    last = m.index;
    if (m[0].length === 0) g.lastIndex++;
  }
  return last < 0 ? -1 : text.length - last;
}

/**
 * The first status (in evaluation order) with a matching rule. Among that status's specific
 * rules the match nearest the bottom names it, since an old dialog can still be on screen
 * above the current one (Gemini's trust dialog above its sign-in dialog); fallback rules
 * (generic footers) name it only when no specific rule matched.
 */
export function matchScreen(rules: readonly CompiledScreenRule[], screen: string): ScreenMatch | undefined {
  const lines = meaningfulLines(screen);
  const tails = new Map<number, string>();
  const tail = (n: number) => {
    let t = tails.get(n);
    if (t === undefined) {
      t = lines.slice(-n).join('\n');
      tails.set(n, t);
    }
    return t;
  };
  for (const status of SCREEN_STATUS_ORDER) {
    for (const fallback of [false, true]) {
      let best: { rule: CompiledScreenRule; distance: number } | undefined;
      for (const rule of rules) {
        if (rule.status !== status || rule.fallback !== fallback) continue;
        const distance = distanceFromBottom(rule.regex, tail(rule.lastLines));
        if (distance >= 0 && (!best || distance < best.distance)) best = { rule, distance };
      }
      if (best) return { status, label: best.rule.label };
    }
  }
  return undefined;
}
