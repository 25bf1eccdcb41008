// A small stand-in for the `vscode` module so the thin VS Code layer runs in plain Node.
// Only what our code touches; tests script the window/workspace pieces through `stub`.

type Listener<T> = (e: T) => void;

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  static from(...ds: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  event = (l: Listener<T>) => {
    this.listeners.add(l);
    return new Disposable(() => this.listeners.delete(l));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export class ThemeColor {
  constructor(readonly id: string) {}
}
export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class MarkdownString {
  value = '';
  supportThemeIcons = false;
  constructor(value = '') {
    this.value = value;
  }
  appendMarkdown(s: string): this {
    this.value += s;
    return this;
  }
  appendText(s: string): this {
    this.value += s.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  accessibilityInformation?: { label: string };
  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static from(c: { scheme: string; path: string }): Uri {
    return new Uri(c.scheme, c.path);
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}:${this.path}`;
  }
}

export interface StubStatusBarItem {
  text: string;
  tooltip?: string | MarkdownString;
  backgroundColor?: ThemeColor;
  command?: string;
  name?: string;
  visible: boolean;
  disposed: boolean;
  accessibilityInformation?: { label: string };
  show(): void;
  hide(): void;
  dispose(): void;
}

/** Test controls: settings, recorded UI calls and scripted answers. */
export const stub = {
  settings: new Map<string, unknown>(),
  statusBarItems: [] as StubStatusBarItem[],
  messages: [] as { level: string; text: string }[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  reset(): void {
    this.settings.clear();
    this.statusBarItems = [];
    this.messages = [];
    this.commands.clear();
  },
};

export const window = {
  createStatusBarItem(_id?: string, _alignment?: StatusBarAlignment, _priority?: number): StubStatusBarItem {
    const item: StubStatusBarItem = {
      text: '',
      visible: false,
      disposed: false,
      show() {
        this.visible = true;
      },
      hide() {
        this.visible = false;
      },
      dispose() {
        this.disposed = true;
      },
    };
    stub.statusBarItems.push(item);
    return item;
  },
  showInformationMessage: async (text: string) => {
    stub.messages.push({ level: 'info', text });
    return undefined;
  },
  showWarningMessage: async (text: string) => {
    stub.messages.push({ level: 'warning', text });
    return undefined;
  },
  showErrorMessage: async (text: string) => {
    stub.messages.push({ level: 'error', text });
    return undefined;
  },
  setStatusBarMessage: (text: string) => {
    stub.messages.push({ level: 'status', text });
    return new Disposable();
  },
};

export const workspace = {
  getConfiguration(section: string) {
    return {
      get<T>(key: string, fallback: T): T {
        const k = `${section}.${key}`;
        return stub.settings.has(k) ? (stub.settings.get(k) as T) : fallback;
      },
    };
  },
};

export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): Disposable {
    stub.commands.set(id, fn);
    return new Disposable(() => stub.commands.delete(id));
  },
  executeCommand: async (id: string, ...args: unknown[]) => stub.commands.get(id)?.(...args),
};
