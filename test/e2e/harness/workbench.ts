// Drives a VS Code workbench (code-server) in headless Chromium, through the UI a user sees:
// the command palette, quick inputs, the activity bar, tree views, notifications, the status
// bar and the terminal. Nothing here knows about a particular extension.
//
//   const wb = await openWorkbench(server.url);
//   await wb.openViewContainer('Tmux Agents');
//   await wb.waitFor(async () => (await wb.treeRows('Agents')).length > 0, { message: 'agent rows' });
//   await wb.runCommand('Tmux Agents: New Agent');
//   await wb.quickInput.pick('Claude Code');
//   await wb.close();
//
// Selectors are VS Code 1.99's DOM (code-server 4.99.4); each helper names what it waited for
// when it times out, and Workbench.waitFor saves a screenshot of the moment it gave up.
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startWatchdog } from './processes.ts';
import { QuickInput } from './quickInput.ts';
import { waitFor, type WaitForOptions } from './waitFor.ts';

export { waitFor, type WaitForOptions } from './waitFor.ts';
export { QuickInput, type QuickInputItem } from './quickInput.ts';

/** Where screenshot() writes (git-ignored). */
export const SCREENSHOT_DIR = join(resolve(import.meta.dirname, '../../..'), 'test-output', 'e2e');

/** Without the background-networking flags Chromium keeps calling hosts it cannot reach. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TreeRow {
  /** The item's label (TreeItem.label). */
  label: string;
  /** TreeItem.description, '' if none. */
  description: string;
  /** The row's accessible label: by default "label description", or accessibilityInformation.label. */
  ariaLabel: string;
  /** 1 for top-level rows. */
  level: number;
  /** true/false for collapsible rows, undefined for leaves. */
  expanded?: boolean;
  selected: boolean;
}

export interface StatusBarItem {
  /** The entry id: `${extensionId}.${id}` for an extension's item (e.g. "pub.ext.myItem"). */
  id: string;
  /** The visible text, codicons left out ("$(beaker) Ready" → "Ready"). */
  text: string;
  /** The accessible label (codicon names spelled out, or the item's accessibilityInformation). */
  ariaLabel: string;
}

export interface OpenWorkbenchOptions {
  /** Deadline for the workbench to render (default 60 s). */
  timeout?: number;
  viewport?: { width: number; height: number };
  /** Chromium binary (default CHROMIUM_PATH or /usr/bin/chromium). */
  executablePath?: string;
}

/** CSS attribute-selector string literal. */
function cssString(value: string): string {
  return JSON.stringify(value);
}

/** Elements whose aria-label is `title` or `title (Keybinding)`, as VS Code renders actions. */
function ariaTitle(selector: string, title: string): string {
  return `${selector}[aria-label=${cssString(title)}], ${selector}[aria-label^=${cssString(`${title} (`)}]`;
}

export class Workbench {
  readonly quickInput: QuickInput;
  /** Milliseconds from navigation to the workbench being rendered (set by openWorkbench). */
  loadMs = 0;
  private readonly consoleErrorLog: string[] = [];
  private screenshotCount = 0;

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly browserDataDir: string,
    private readonly disarmWatchdog: () => void,
  ) {
    this.quickInput = new QuickInput(this);
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrorLog.push(message.text());
    });
    page.on('pageerror', (error) => this.consoleErrorLog.push(`pageerror: ${error.message}`));
  }

  /** Errors the page logged to its console so far (useful in failure messages). */
  consoleErrors(): string[] {
    return [...this.consoleErrorLog];
  }

  /** waitFor() that also saves a screenshot when it gives up and names it in the error. */
  async waitFor<T>(fn: () => T | Promise<T>, options: WaitForOptions): Promise<NonNullable<T>> {
    try {
      return await waitFor(fn, options);
    } catch (e) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const shot = await this.screenshot(`timeout-${stamp}-${++this.screenshotCount}`).catch(() => undefined);
      throw new Error(`${(e as Error).message}${shot ? `\nscreenshot: ${shot}` : ''}`);
    }
  }

  /** Saves a PNG of the page as test-output/e2e/NAME.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    // animations: 'disabled' finishes fade-ins (notifications, quick input) before the shot.
    await this.page.screenshot({ path, animations: 'disabled' });
    return path;
  }

  /** Runs a command from the command palette: F1, type the title, wait for its row, Enter (or a
   *  click when it is not the first row). `title` is the palette label, "Category: Title", or just
   *  "Title" when that is unambiguous. Does not wait for the command to finish.
   *  The palette lists the commands known when it opened: right after the workbench loads, an
   *  extension's commands may not be registered yet, so the palette is reopened until its row
   *  shows (every 3 s, up to the timeout, default 15 s). */
  async runCommand(title: string, options: { timeout?: number } = {}): Promise<void> {
    const timeout = options.timeout ?? 15_000;
    const deadline = Date.now() + timeout;
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    let row: Locator | undefined;
    while (!row) {
      await this.dismissOverlays();
      await this.page.keyboard.press('F1');
      await this.quickInput.waitOpen({ timeout: Math.max(1, deadline - Date.now()) });
      await input.fill(`>${title}`);
      const attemptEnd = Math.min(deadline, Date.now() + 3_000);
      row = await waitFor(() => this.quickInput.findRow(title), { timeout: Math.max(1, attemptEnd - Date.now()), message: '' }).catch(
        () => undefined,
      );
      if (!row && Date.now() >= deadline) {
        const rows = (await this.quickInput.items()).map((i) => i.label);
        const shot = await this.screenshot(`runCommand-failed-${Date.now()}`).catch(() => undefined);
        throw new Error(
          `no command ${JSON.stringify(title)} in the command palette within ${timeout} ms (rows: ${JSON.stringify(rows)})` +
            (shot ? `\nscreenshot: ${shot}` : ''),
        );
      }
    }
    if (await row.evaluate((el) => el.classList.contains('focused'))) await input.press('Enter');
    else await row.click();
    // The palette is done once it closed or the command replaced it with its own quick input.
    await this.waitFor(
      async () => !(await this.quickInput.isOpen()) || !(await this.quickInput.value()).startsWith('>'),
      { timeout, message: `the command palette to run ${JSON.stringify(title)}` },
    );
  }

  /** Closes an open context menu or quick input (Escape), which would swallow the next keys. */
  async dismissOverlays(): Promise<void> {
    const menu = this.page.locator('.context-view .monaco-menu');
    if ((await menu.count()) > 0 && (await menu.first().isVisible())) {
      await this.page.keyboard.press('Escape');
      await this.waitFor(async () => (await menu.count()) === 0 || !(await menu.first().isVisible()), {
        message: 'the context menu to close after Escape',
      });
    }
    if (await this.quickInput.isOpen()) await this.quickInput.cancel();
  }

  /** Activity-bar entries' titles (keybinding hints stripped), for error messages and checks. */
  async activityBarTitles(): Promise<string[]> {
    return this.page
      .locator('.part.activitybar .action-item a.action-label')
      .evaluateAll((els) => els.map((el) => (el.getAttribute('aria-label') ?? '').replace(/ \([^)]*\)$/, '')));
  }

  /** Shows a view container by clicking its activity-bar icon (aria-label = container title);
   *  does not click when it is already showing (a click would hide the sidebar). */
  async openViewContainer(title: string, options: { timeout?: number } = {}): Promise<void> {
    const item = this.page.locator(ariaTitle('.part.activitybar .action-item a.action-label', title));
    await this.waitFor(async () => (await item.count()) > 0, {
      timeout: options.timeout,
      message: async () => `an activity-bar item ${JSON.stringify(title)} (have: ${JSON.stringify(await this.activityBarTitles())})`,
    });
    const sidebarTitle = this.page.locator('.part.sidebar .composite.title h2');
    const showing = async () =>
      (await this.page.locator('.part.sidebar').isVisible()) &&
      ((await sidebarTitle.textContent()) ?? '').toLowerCase().startsWith(title.toLowerCase());
    if (!(await showing())) await item.first().click();
    await this.waitFor(showing, {
      timeout: options.timeout,
      message: async () => `the sidebar to show ${JSON.stringify(title)} (title: ${JSON.stringify(await sidebarTitle.textContent().catch(() => null))})`,
    });
  }

  /** The view pane titled `viewTitle` (sidebar, panel or secondary sidebar). Its header exists
   *  (hidden) even when the view is the only one in its container. */
  viewPane(viewTitle: string): Locator {
    return this.page.locator('.pane').filter({ has: this.page.locator(`.pane-header[aria-label=${cssString(`${viewTitle} Section`)}]`) });
  }

  /** The visible rows of a tree view, top to bottom (a list renders only the rows in view). */
  async treeRows(viewTitle: string): Promise<TreeRow[]> {
    const pane = this.viewPane(viewTitle);
    if ((await pane.count()) === 0) return [];
    return pane.first().locator('.pane-body .monaco-list-row').evaluateAll((rows) =>
      rows
        .map((row) => {
          const expanded = row.getAttribute('aria-expanded');
          return {
            index: Number(row.getAttribute('data-index')),
            label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
            description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
            ariaLabel: row.getAttribute('aria-label') ?? '',
            level: Number(row.getAttribute('aria-level') ?? '1'),
            expanded: expanded === null ? undefined : expanded === 'true',
            selected: row.getAttribute('aria-selected') === 'true',
          };
        })
        .sort((a, b) => a.index - b.index)
        .map(({ index: _index, ...row }) => row),
    );
  }

  /** The text a view shows besides its rows: its welcome content or TreeView.message. */
  async viewText(viewTitle: string): Promise<string> {
    const pane = this.viewPane(viewTitle);
    if ((await pane.count()) === 0) return '';
    return (await pane.first().locator('.pane-body').innerText()).trim();
  }

  /** A tree row by its label, in one view or in any. */
  treeRow(rowLabel: string, options: { viewTitle?: string } = {}): Locator {
    const scope = options.viewTitle ? this.viewPane(options.viewTitle) : this.page.locator('.monaco-workbench');
    return scope
      .locator('.monaco-list-row[role="treeitem"]')
      .filter({ has: this.page.locator('.label-name').getByText(rowLabel, { exact: true }) });
  }

  private async visibleTreeRow(rowLabel: string, options: { viewTitle?: string; timeout?: number }): Promise<Locator> {
    const row = this.treeRow(rowLabel, options);
    await this.waitFor(async () => (await row.count()) > 0, {
      timeout: options.timeout,
      message: async () =>
        `a tree row ${JSON.stringify(rowLabel)}${options.viewTitle ? ` in ${JSON.stringify(options.viewTitle)}` : ''}` +
        (options.viewTitle ? ` (rows: ${JSON.stringify((await this.treeRows(options.viewTitle)).map((r) => r.label))})` : ''),
    });
    return row.first();
  }

  /** Clicks a tree row (selects it; opens it if the item has a command). */
  async clickTreeRow(rowLabel: string, options: { viewTitle?: string; timeout?: number } = {}): Promise<void> {
    await (await this.visibleTreeRow(rowLabel, options)).click();
  }

  /** Clicks an inline action (view/item/context, group "inline") of a tree row: hovers the row
   *  so its action bar shows, then clicks the action whose title is `actionTitle`. */
  async clickTreeRowAction(rowLabel: string, actionTitle: string, options: { viewTitle?: string; timeout?: number } = {}): Promise<void> {
    const row = await this.visibleTreeRow(rowLabel, options);
    await row.hover();
    const action = row.locator(ariaTitle('.actions a.action-label', actionTitle));
    await this.waitFor(async () => (await action.count()) > 0, {
      timeout: options.timeout,
      message: async () =>
        `an inline action ${JSON.stringify(actionTitle)} on row ${JSON.stringify(rowLabel)} (actions: ${JSON.stringify(
          await row.locator('.actions a.action-label').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label'))),
        )})`,
    });
    await action.first().click();
  }

  /** Right-clicks a tree row and runs the context-menu entry titled `itemTitle`. The entry is
   *  focused by hovering and run with Enter: VS Code ignores a click that comes too soon after the
   *  menu opened (the right button's release must not pick an entry). */
  async clickTreeRowContextMenu(rowLabel: string, itemTitle: string, options: { viewTitle?: string; timeout?: number } = {}): Promise<void> {
    const row = await this.visibleTreeRow(rowLabel, options);
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    const item = menu
      .locator('.action-item')
      .filter({ has: this.page.locator('a.action-menu-item .action-label').getByText(itemTitle, { exact: true }) });
    await this.waitFor(async () => (await item.count()) > 0, {
      timeout: options.timeout,
      message: async () =>
        `a context-menu entry ${JSON.stringify(itemTitle)} on row ${JSON.stringify(rowLabel)} (entries: ${JSON.stringify(
          await this.page.locator('.monaco-menu .action-item .action-label').allTextContents(),
        )})`,
    });
    await item.first().hover();
    await this.waitFor(async () => item.first().evaluate((el) => el.classList.contains('focused')), {
      timeout: options.timeout,
      message: `the context-menu entry ${JSON.stringify(itemTitle)} to take focus`,
    });
    await this.page.keyboard.press('Enter');
    await this.waitFor(async () => (await menu.count()) === 0 || !(await menu.first().isVisible()), {
      timeout: options.timeout,
      message: `the context menu to close after running ${JSON.stringify(itemTitle)}`,
    });
  }

  /** Messages of the notifications on screen: the toasts, and the notification center if open.
   *  A toast without buttons fades after a while; check soon after the action. */
  async notifications(): Promise<string[]> {
    return this.page
      .locator('.notifications-toasts .notification-toast .notification-list-item-message, .notifications-center.visible .notification-list-item-message')
      .evaluateAll((els) => els.map((el) => (el.textContent ?? '').trim()));
  }

  /** Waits for a notification whose message contains `text` and returns its full message. */
  async waitForNotification(text: string | RegExp, options: { timeout?: number } = {}): Promise<string> {
    return this.waitFor(async () => (await this.notifications()).find((m) => (typeof text === 'string' ? m.includes(text) : text.test(m))), {
      timeout: options.timeout,
      message: async () => `a notification matching ${String(text)} (have: ${JSON.stringify(await this.notifications())})`,
    });
  }

  /** Clicks the button `buttonText` of a notification toast (the first that has it, or the one
   *  whose message contains `message`), then waits for that toast to close. */
  async clickNotificationButton(buttonText: string, options: { message?: string; timeout?: number } = {}): Promise<void> {
    let toasts = this.page.locator('.notifications-toasts .notification-toast');
    if (options.message) toasts = toasts.filter({ has: this.page.locator('.notification-list-item-message', { hasText: options.message }) });
    const button = toasts.locator('.notification-list-item-buttons-container .monaco-button').getByText(buttonText, { exact: true });
    await this.waitFor(async () => (await button.count()) > 0, {
      timeout: options.timeout,
      message: async () => `a notification button ${JSON.stringify(buttonText)} (notifications: ${JSON.stringify(await this.notifications())})`,
    });
    const count = await button.count();
    await button.first().click();
    await this.waitFor(async () => (await button.count()) < count, {
      timeout: options.timeout,
      message: `the notification with button ${JSON.stringify(buttonText)} to close`,
    });
  }

  /** The modal dialog on screen (showInformationMessage/showWarningMessage with modal: true),
   *  or undefined. */
  async dialog(): Promise<{ message: string; detail: string; buttons: string[] } | undefined> {
    const box = this.page.locator('.monaco-dialog-box');
    if ((await box.count()) === 0 || !(await box.first().isVisible())) return undefined;
    return box.first().evaluate((el) => ({
      message: (el.querySelector('.dialog-message-text')?.textContent ?? '').trim(),
      detail: (el.querySelector('.dialog-message-detail')?.textContent ?? '').trim(),
      buttons: [...el.querySelectorAll('.dialog-buttons .monaco-button')].map((b) => (b.textContent ?? '').trim()),
    }));
  }

  /** Waits for a modal dialog, clicks its button `buttonText` and waits for the dialog to close. */
  async clickDialogButton(buttonText: string, options: { timeout?: number } = {}): Promise<void> {
    const box = this.page.locator('.monaco-dialog-box');
    const button = box.locator('.dialog-buttons .monaco-button').getByText(buttonText, { exact: true });
    await this.waitFor(async () => (await button.count()) > 0 && (await button.first().isVisible()), {
      timeout: options.timeout,
      message: async () => `a dialog with a button ${JSON.stringify(buttonText)} (dialog: ${JSON.stringify(await this.dialog())})`,
    });
    await button.first().click();
    await this.waitFor(async () => (await this.dialog()) === undefined, {
      timeout: options.timeout,
      message: `the dialog to close after ${JSON.stringify(buttonText)}`,
    });
  }

  /** Status-bar entries that are shown, left to right. */
  async statusBarItems(): Promise<StatusBarItem[]> {
    return this.page.locator('.part.statusbar .statusbar-item').evaluateAll((els) =>
      els
        .filter((el) => el.getClientRects().length > 0)
        .map((el) => ({
          id: el.id,
          text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
          ariaLabel: el.getAttribute('aria-label') ?? '',
        })),
    );
  }

  /** The active terminal's visible rows (xterm's DOM renderer, which the harness settings select
   *  with terminal.integrated.gpuAcceleration: off), trailing blanks trimmed. '' if none. */
  async terminalText(): Promise<string> {
    const terminal = this.page.locator('.terminal-wrapper.active').first();
    if ((await terminal.count()) === 0) return '';
    if ((await terminal.locator('.xterm-rows').count()) === 0) {
      throw new Error('the terminal draws on a canvas, not in the DOM: set "terminal.integrated.gpuAcceleration": "off"');
    }
    const lines = await terminal
      .locator('.xterm-rows > div')
      .evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  /** The names of the open terminals, as their tabs show them (one tab: the panel title's tab).
   *  A name can be '' for a moment while a terminal starts. */
  async terminalNames(): Promise<string[]> {
    const tabs = this.page.locator('.terminal-tabs-entry');
    const locator = (await tabs.count()) > 0 ? tabs : this.page.locator('.single-terminal-tab');
    return locator.evaluateAll((els) => els.map((el) => (el.textContent ?? '').trim()));
  }

  /** Waits until the active terminal shows `text` (or matches it) and returns the terminal text. */
  async waitForTerminalText(text: string | RegExp, options: { timeout?: number } = {}): Promise<string> {
    return this.waitFor(
      async () => {
        const current = await this.terminalText();
        return (typeof text === 'string' ? current.includes(text) : text.test(current)) ? current : undefined;
      },
      {
        timeout: options.timeout,
        message: async () => `${String(text)} in the terminal (shows: ${JSON.stringify(await this.terminalText())})`,
      },
    );
  }

  /** Types into the active terminal (focusing it first) and, by default, presses Enter. Keys typed
   *  before the shell printed its prompt are echoed out of place: wait for the prompt first. */
  async typeInTerminal(text: string, options: { enter?: boolean } = {}): Promise<void> {
    const terminal = this.page.locator('.terminal-wrapper.active .xterm');
    await this.waitFor(async () => (await terminal.count()) > 0, { message: 'an active terminal' });
    await terminal.first().click();
    await this.page.keyboard.type(text);
    if (options.enter !== false) await this.page.keyboard.press('Enter');
  }

  /** Closes the browser and removes its profile. */
  async close(): Promise<void> {
    try {
      await this.context.close();
    } finally {
      rmSync(this.browserDataDir, { recursive: true, force: true });
      this.disarmWatchdog();
    }
  }
}

/** The process group of the Chromium we launched with this profile (Playwright starts it as a
 *  group leader, a child of this process), from /proc; undefined where there is no /proc. */
function browserProcessGroup(profileDir: string): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(`--user-data-dir=${profileDir}`)) continue;
      // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid) return Number(pgrp);
    } catch {
      // the process went away while we looked
    }
  }
  return undefined;
}

/** Opens `url` (from startCodeServer) in a fresh headless Chromium and waits for the workbench:
 *  its activity bar and status bar rendered. */
export async function openWorkbench(url: string, options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const executablePath = options.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: run \`bash scripts/setup/install-packages.sh\` (Debian package chromium)`);
  }
  // One temp dir per browser: profile/ is the fresh user data dir; config/ is its XDG_CONFIG_HOME,
  // where Chromium's crash reporter writes instead of ~/.config/chromium.
  const browserDataDir = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
  const profileDir = join(browserDataDir, 'profile');
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...process.env, XDG_CONFIG_HOME: join(browserDataDir, 'config') },
      viewport: options.viewport ?? { width: 1400, height: 900 },
    });
  } catch (e) {
    rmSync(browserDataDir, { recursive: true, force: true });
    throw new Error(`could not launch Chromium (${executablePath}): ${(e as Error).message}`);
  }
  // If this process dies outright, Chromium exits when its pipe to Playwright closes but writes
  // its profile while shutting down: the watchdog kills it first, then removes the profile.
  const disarmWatchdog = startWatchdog({ pgid: browserProcessGroup(profileDir), dirs: [browserDataDir] });
  const page = context.pages()[0] ?? (await context.newPage());
  const started = Date.now();
  const workbench = new Workbench(context, page, browserDataDir, disarmWatchdog);
  const deadline = started + (options.timeout ?? 60_000);
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: deadline - Date.now() });
    for (const part of ['.part.activitybar .action-item', '.part.statusbar .statusbar-item']) {
      await page.locator(`.monaco-workbench ${part}`).first().waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
    }
  } catch (e) {
    const shot = await workbench.screenshot('workbench-load-failed').catch(() => undefined);
    await workbench.close().catch(() => undefined);
    throw new Error(
      `the workbench at ${url} did not render: ${(e as Error).message}` +
        `${shot ? `\nscreenshot: ${shot}` : ''}\nconsole errors: ${JSON.stringify(workbench.consoleErrors().slice(-10))}`,
    );
  }
  workbench.loadMs = Date.now() - started;
  return workbench;
}
