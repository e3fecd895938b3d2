// "RouterOS: Show firewall map": a webview beside the editor that draws the firewall the active RouterOS file
// builds (the language server's `routeros/firewallMap` request: server/src/features/firewallMap.ts + mapRender.ts)
// and follows the file as it changes and as another RouterOS file becomes active. Click a rule (or focus it and
// press Enter) to reveal it in the editor; moving the cursor in the editor highlights the rule on the map; the
// trace picker runs the file's knock, or a typed packet, through the firewall and lights up the rules it meets.
//
// No network: the page's Content-Security-Policy allows only its own inline script (with a nonce) and styles; the
// picture is an SVG string the server drew.
//
// Tests may pass `{ trace: 'knock:1' }` to start with a trace; the command resolves to the panel's state.
import * as vscode from 'vscode';
import type { RegisterFeature } from '../deps';
import { mapPage } from '../../../server/src/features/mapRender';
import type { MapTrace } from '../../../server/src/features/firewallMap';

export const SHOW_MAP_COMMAND = 'routeros.showFirewallMap';
const REQUEST = 'routeros/firewallMap';

interface MapResponse {
  version: number;
  svg: string;
  trace: MapTrace | null;
  traceHtml: string;
  error?: string;
  knocks: Array<{ index: number; description: string }>;
}

export interface MapPanelState {
  uri: string;
  version: number;
  trace: string;
  svg: string;
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}

export const registerMap: RegisterFeature = (context, deps) => {
  let panel: vscode.WebviewPanel | undefined;
  let doc: vscode.TextDocument | undefined;
  let trace = '';
  let state: MapPanelState | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const title = (d: vscode.TextDocument) => `Firewall map: ${vscode.workspace.asRelativePath(d.uri)}`;

  async function fetchMap(d: vscode.TextDocument): Promise<MapResponse> {
    await deps.clientReady;
    const client = deps.client();
    if (!client) throw new Error('the RouterOS language server is not running');
    return client.sendRequest<MapResponse>(REQUEST, { uri: d.uri.toString(), trace });
  }

  async function refresh(first = false): Promise<void> {
    if (!panel || !doc) return;
    const d = doc;
    let r: MapResponse;
    try {
      r = await fetchMap(d);
    } catch (e) {
      deps.log(`firewall map: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!panel || doc !== d) return;
    state = { uri: d.uri.toString(), version: r.version, trace, svg: r.svg };
    panel.title = title(d);
    if (first) {
      const n = nonce();
      panel.webview.html = mapPage(r.svg, {
        title: title(d),
        trace: r.trace ?? undefined,
        webview: { nonce: n, cspSource: panel.webview.cspSource },
        knocks: r.knocks,
      });
    } else {
      void panel.webview.postMessage({ type: 'render', svg: r.svg, trace: r.trace, traceHtml: r.traceHtml, title: title(d), error: r.error });
    }
    if (r.error) void vscode.window.showWarningMessage(`Firewall map trace: ${r.error}`);
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh(), 300);
  }

  async function show(args?: { trace?: string }): Promise<MapPanelState | undefined> {
    const editor = vscode.window.activeTextEditor;
    const d = editor?.document.languageId === 'routeros' ? editor.document : doc;
    if (!d) {
      void vscode.window.showWarningMessage('RouterOS: Show firewall map needs an open RouterOS script (.rsc).');
      return undefined;
    }
    doc = d;
    if (typeof args?.trace === 'string') trace = args.trace;
    if (!panel) {
      panel = vscode.window.createWebviewPanel('routeros.firewallMap', title(d), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        localResourceRoots: [],
        retainContextWhenHidden: true,
      });
      panel.onDidDispose(() => {
        panel = undefined;
        state = undefined;
      });
      panel.webview.onDidReceiveMessage(async (m: { type?: string; start?: number; end?: number; spec?: string }) => {
        if (m?.type === 'reveal' && doc && typeof m.start === 'number') {
          const target = doc;
          const range = new vscode.Range(target.positionAt(m.start), target.positionAt(typeof m.end === 'number' ? m.end : m.start));
          const shown = vscode.window.visibleTextEditors.find((e) => e.document === target);
          const ed = await vscode.window.showTextDocument(target, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, selection: range });
          ed.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        } else if (m?.type === 'trace') {
          trace = typeof m.spec === 'string' ? m.spec.trim() : '';
          await refresh();
        }
      });
      await refresh(true);
    } else {
      panel.reveal(vscode.ViewColumn.Beside, true);
      await refresh();
    }
    return state;
  }

  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_MAP_COMMAND, (args?: { trace?: string }) => show(args)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (panel && e.document === doc) schedule();
    }),
    vscode.window.onDidChangeActiveTextEditor((e) => {
      if (panel && e && e.document.languageId === 'routeros' && e.document !== doc) {
        doc = e.document;
        trace = '';
        void refresh();
      }
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (panel && e.textEditor.document === doc) {
        void panel.webview.postMessage({ type: 'select', offset: doc.offsetAt(e.selections[0].active) });
      }
    }),
    { dispose: () => timer && clearTimeout(timer) },
  );
};
