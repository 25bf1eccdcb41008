// The quick input widget (command palette, showQuickPick, showInputBox, createQuickPick):
// read its title, prompt and rows, type an answer, pick an item.
import type { Locator, Page } from 'playwright-core';
import type { WaitForOptions } from './waitFor.ts';

/** What QuickInput needs from the workbench (Workbench implements it). */
export interface QuickInputHost {
  readonly page: Page;
  waitFor<T>(fn: () => T | Promise<T>, options: WaitForOptions): Promise<NonNullable<T>>;
}

export interface QuickInputItem {
  label: string;
  description: string;
  ariaLabel: string;
  focused: boolean;
}

export class QuickInput {
  constructor(private readonly wb: QuickInputHost) {}

  private get widget(): Locator {
    return this.wb.page.locator('.quick-input-widget');
  }

  private get input(): Locator {
    return this.widget.locator('.quick-input-box input');
  }

  async isOpen(): Promise<boolean> {
    return this.widget.isVisible();
  }

  async title(): Promise<string> {
    return ((await this.widget.locator('.quick-input-title').textContent()) ?? '').trim();
  }

  /** The prompt or validation message under the input box. */
  async message(): Promise<string> {
    return ((await this.widget.locator('.quick-input-message').textContent()) ?? '').trim();
  }

  async value(): Promise<string> {
    return this.input.inputValue();
  }

  /** Waits for a quick input to be open (and, if given, its title to contain `title`). */
  async waitOpen(options: { title?: string | RegExp; timeout?: number } = {}): Promise<void> {
    const { title } = options;
    await this.wb.waitFor(
      async () => {
        if (!(await this.isOpen())) return false;
        if (title === undefined) return true;
        const current = await this.title();
        return typeof title === 'string' ? current.includes(title) : title.test(current);
      },
      {
        timeout: options.timeout,
        message: async () =>
          `a quick input${title ? ` titled ${String(title)}` : ''} (open: ${await this.isOpen()}, title: ${JSON.stringify(await this.title().catch(() => ''))})`,
      },
    );
  }

  /** The visible rows of the open quick pick. */
  async items(): Promise<QuickInputItem[]> {
    return this.widget.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) =>
      rows
        .map((row) => ({
          index: Number(row.getAttribute('data-index')),
          label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
          ariaLabel: row.getAttribute('aria-label') ?? '',
          focused: row.classList.contains('focused'),
        }))
        .sort((a, b) => a.index - b.index)
        .map(({ index: _index, ...item }) => item),
    );
  }

  /** Types `text` into the open InputBox or QuickPick filter (replacing what is there) and, by
   *  default, presses Enter, then waits for that step to end (closed, or another step shown). */
  async type(text: string, options: { title?: string | RegExp; submit?: boolean; timeout?: number } = {}): Promise<void> {
    await this.waitOpen({ title: options.title, timeout: options.timeout });
    const title = await this.title();
    await this.input.fill(text);
    if (options.submit === false) return;
    await this.input.press('Enter');
    await this.waitStepEnded(title, text, options.timeout);
  }

  /** Accepts the item labelled `label` in the open QuickPick (Enter if it is focused, a click
   *  otherwise; in a multi-select pick a click toggles it, then call accept()). */
  async pick(label: string, options: { title?: string | RegExp; timeout?: number } = {}): Promise<void> {
    await this.waitOpen({ title: options.title, timeout: options.timeout });
    const title = await this.title();
    const value = await this.value();
    const row = await this.row(label, options.timeout);
    if (await row.evaluate((el) => el.classList.contains('focused'))) await this.input.press('Enter');
    else await row.click();
    await this.waitStepEnded(title, value, options.timeout);
  }

  /** Presses Enter in the open quick input (accepts a multi-select pick or the typed value). */
  async accept(): Promise<void> {
    await this.input.press('Enter');
  }

  async cancel(): Promise<void> {
    await this.input.press('Escape');
    await this.wb.waitFor(async () => !(await this.isOpen()), { message: 'the quick input to close after Escape' });
  }

  /** The row whose label is `label`; a command-palette entry "Category: Title" also matches
   *  "Title" when exactly one row ends with it. */
  async row(label: string, timeout?: number): Promise<Locator> {
    await this.wb.waitFor(async () => (await this.findRow(label)) !== undefined, {
      timeout,
      message: async () =>
        `a quick input row labelled ${JSON.stringify(label)} (rows: ${JSON.stringify((await this.items().catch(() => [])).map((i) => i.label))})`,
    });
    return (await this.findRow(label))!;
  }

  /** The row labelled `label` if it is shown now (see row()). */
  async findRow(label: string): Promise<Locator | undefined> {
    const rows = this.widget.locator('.quick-input-list .monaco-list-row');
    const labels = await rows.evaluateAll((els) =>
      els.map((el) => [el.getAttribute('data-index'), (el.querySelector('.label-name')?.textContent ?? '').trim()] as const),
    );
    const exact = labels.find(([, l]) => l === label);
    const suffixed = labels.filter(([, l]) => l.endsWith(`: ${label}`));
    const index = exact?.[0] ?? (suffixed.length === 1 ? suffixed[0][0] : undefined);
    return index === undefined ? undefined : this.widget.locator(`.quick-input-list .monaco-list-row[data-index="${index}"]`);
  }

  /** After Enter or a click: the step is over once the widget closed or shows something else. */
  private async waitStepEnded(title: string, value: string, timeout?: number): Promise<void> {
    await this.wb.waitFor(
      async () => !(await this.isOpen()) || (await this.title()) !== title || (await this.value()) !== value,
      { timeout, message: `the quick input step ${JSON.stringify(title)} to be accepted` },
    );
  }
}
