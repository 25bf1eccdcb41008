// "Show Output": the captured pane as a read-only document that follows new output while open.
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { RuntimeManager } from '../core/runtimeManager';
import type { AgentHandle } from '../core/types';

export const OUTPUT_SCHEME = 'tmux-agents-output';
const FOLLOW_MS = 1000;
const CAPTURE_LINES = 5000;

export class AgentOutputDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly handles = new Map<string, AgentHandle>();
  private readonly timer: NodeJS.Timeout;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly manager: RuntimeManager) {
    this.subs.push(vscode.workspace.registerTextDocumentContentProvider(OUTPUT_SCHEME, this));
    this.subs.push(vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === OUTPUT_SCHEME && this.handles.delete(d.uri.toString())));
    this.timer = setInterval(() => this.follow(), FOLLOW_MS);
  }

  uriFor(handle: AgentHandle): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${handle.runtimeId}/${handle.agentId}.log` });
    this.handles.set(uri.toString(), handle);
    return uri;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const handle = this.handles.get(uri.toString());
    if (!handle) return 'This agent is no longer tracked. Run "Tmux Agents: Show Output" again.';
    try {
      const text = await this.manager.getTmux(handle).capturePane(handle.sessionName, { lines: CAPTURE_LINES });
      return text.replace(/\s+$/, '') + '\n';
    } catch (e) {
      return `Could not capture the output of ${handle.agentId} on ${handle.runtimeId}: ${errorMessage(e)}\n`;
    }
  }

  /** Only documents visible in an editor are refreshed. */
  private follow(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const uri = editor.document.uri;
      if (uri.scheme === OUTPUT_SCHEME && this.handles.has(uri.toString())) this._onDidChange.fire(uri);
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const s of this.subs) s.dispose();
    this._onDidChange.dispose();
    this.handles.clear();
  }
}
