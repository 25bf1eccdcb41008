// Loads the bundled extension (dist/extension.js) in a fresh Node.js process with a minimal
// stand-in for the `vscode` module (a require hook), calls activate() with a fake
// ExtensionContext, and prints how long loading and activating took as one JSON line.
// Run by scripts/bench/scenarios/extension.ts, once per repetition (a warm require cache
// would hide the load cost).
import Module, { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const load = createRequire(import.meta.url);
const bundle = resolve(process.argv[2]);
const noop = () => undefined;
const disposable = () => ({ dispose: noop });
const event = () => disposable();

/** Anything not modelled below: callable, constructible, every property another one of these. */
function anything(name) {
  const cache = new Map();
  const target = function () {};
  return new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined; // not a thenable
      if (key === Symbol.toPrimitive) return () => `[vscode stub ${name}]`;
      if (key === 'dispose') return noop;
      if (!cache.has(key)) cache.set(key, anything(`${name}.${String(key)}`));
      return cache.get(key);
    },
    apply: () => anything(`${name}()`),
    construct: () => anything(`new ${name}`),
  });
}

function withFallback(name, known) {
  const rest = anything(name);
  return new Proxy(known, { get: (t, k) => (k in t ? t[k] : rest[k]) });
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (l) => {
      this.listeners.add(l);
      return { dispose: () => this.listeners.delete(l) };
    };
  }
  fire(e) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}
class Disposable {
  constructor(fn) {
    this.fn = fn;
  }
  static from(...ds) {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
  dispose() {
    this.fn?.();
  }
}
class TreeItem {
  constructor(label, collapsibleState) {
    this.label = label;
    this.collapsibleState = collapsibleState;
  }
}
class ThemeIcon {
  constructor(id, color) {
    this.id = id;
    this.color = color;
  }
}
class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}
class MarkdownString {
  constructor(value = '') {
    this.value = value;
  }
  appendMarkdown(s) {
    this.value += s;
    return this;
  }
  appendText(s) {
    this.value += s;
    return this;
  }
}

const channel = () => withFallback('channel', { info: noop, warn: noop, error: noop, debug: noop, trace: noop, appendLine: noop, append: noop, show: noop, dispose: noop, onDidChangeLogLevel: event, logLevel: 2 });

const vscode = withFallback('vscode', {
  EventEmitter,
  Disposable,
  TreeItem,
  ThemeIcon,
  ThemeColor,
  MarkdownString,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  window: withFallback('window', {
    createOutputChannel: channel,
    createTreeView: () => withFallback('treeView', { visible: false, onDidChangeVisibility: event, onDidChangeSelection: event, dispose: noop }),
    createStatusBarItem: () => withFallback('statusBarItem', { show: noop, hide: noop, dispose: noop }),
    onDidCloseTerminal: event,
    onDidOpenTerminal: event,
    registerTreeDataProvider: disposable,
    registerTextDocumentContentProvider: disposable,
    terminals: [],
  }),
  workspace: withFallback('workspace', {
    getConfiguration: () => ({ get: (_k, d) => d, has: () => false, inspect: () => undefined, update: async () => undefined }),
    onDidChangeConfiguration: event,
    registerTextDocumentContentProvider: disposable,
    workspaceFolders: undefined,
  }),
  commands: withFallback('commands', { registerCommand: disposable, executeCommand: async () => undefined }),
});

const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  return originalLoad.call(this, request, parent, isMain);
};

const secrets = { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: event };
const memento = { get: (_k, d) => d, update: async () => undefined, keys: () => [], setKeysForSync: noop };
const context = withFallback('context', {
  subscriptions: [],
  secrets,
  globalState: memento,
  workspaceState: memento,
  extensionPath: process.cwd(),
  extensionMode: 1,
});

(async () => {
  const t0 = performance.now();
  const ext = load(bundle);
  const t1 = performance.now();
  await ext.activate(context);
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1, subscriptions: context.subscriptions.length }) + '\n');
  for (const d of context.subscriptions) {
    try {
      d.dispose();
    } catch {
      // a stub object
    }
  }
  process.exit(0);
})().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
