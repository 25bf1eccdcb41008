import * as vscode from 'vscode';

/** Environment variables each provider reads its key from. */
export const API_KEY_VARIABLES: Record<string, string> = {
  ANTHROPIC_API_KEY: 'claude',
  GEMINI_API_KEY: 'gemini',
  OPENAI_API_KEY: 'codex',
};

/** API keys live in SecretStorage and reach agents only as process/container env. */
export class ApiKeyStore {
  private cache = new Set<string>();

  constructor(private readonly secrets: vscode.SecretStorage) {}

  async set(variable: string, value: string): Promise<void> {
    const key = `tmuxAgents.apiKey.${variable}`;
    if (value) await this.secrets.store(key, value);
    else await this.secrets.delete(key);
    await this.load();
  }

  /** Keys for the provider's variables; aider and custom agents get all stored keys. */
  async envFor(provider: string): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const [variable, p] of Object.entries(API_KEY_VARIABLES)) {
      if (p !== provider && provider !== 'aider' && provider !== 'custom' && provider !== 'opencode') continue;
      const v = await this.secrets.get(`tmuxAgents.apiKey.${variable}`);
      if (v) env[variable] = v;
    }
    return env;
  }

  /** Loads stored values so the log redactor can hide them. */
  async load(): Promise<void> {
    const values = new Set<string>();
    for (const variable of Object.keys(API_KEY_VARIABLES)) {
      const v = await this.secrets.get(`tmuxAgents.apiKey.${variable}`);
      if (v) values.add(v);
    }
    this.cache = values;
  }

  knownSecrets(): string[] {
    return [...this.cache];
  }
}
