// The RouterOS language server: the only file that knows LSP. Every feature it serves is a pure function
// in server/src/features/** or server/src/lint.ts; this file syncs documents, reads settings, debounces
// linting, caches the last LintResult per document version, and turns requests into feature calls.
//
// Transports: `--stdio`, `--node-ipc` (what the VS Code client uses), `--socket=PORT`, `--pipe=NAME`
// (createConnection picks the one named on the command line). `routeros-language-server --stdio` is the
// entry point for other editors (bin/routeros-language-server.js).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
  type Connection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lint, type LintResult } from './lint';
import type { SeveritySetting, Thresholds } from './rules/types';
import { toDiagnostics } from './features/diagnostics';

// ---------------------------------------------------------------------------------------------
// Settings

/** The `routeros.*` settings the server reads (package.json `contributes.configuration`). */
export interface ServerSettings {
  rules: Record<string, SeveritySetting>;
  thresholds: Partial<Thresholds>;
  schemaVersion: string;
}

const DEFAULT_SETTINGS: ServerSettings = { rules: {}, thresholds: {}, schemaVersion: '7.22' };
const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);
const THRESHOLD_KEYS: Array<keyof Thresholds> = ['stageTimeoutMin', 'stageTimeoutMax', 'finalTimeoutMax'];

/** Validates whatever the client sent as the `routeros` section; unknown or malformed entries are dropped. */
export function normalizeSettings(raw: unknown): ServerSettings {
  const out: ServerSettings = { rules: {}, thresholds: {}, schemaVersion: DEFAULT_SETTINGS.schemaVersion };
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, sev] of Object.entries(r.rules as Record<string, unknown>)) {
      if (typeof sev === 'string' && SEVERITIES.has(sev)) out.rules[id] = sev as SeveritySetting;
    }
  }
  if (r.thresholds && typeof r.thresholds === 'object') {
    const t = r.thresholds as Record<string, unknown>;
    for (const k of THRESHOLD_KEYS) {
      const v = t[k];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out.thresholds[k] = v;
    }
  }
  if (typeof r.schemaVersion === 'string' && r.schemaVersion) out.schemaVersion = r.schemaVersion;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rule documentation: the .md files under docs/rules/ ship next to dist/ in the .vsix and the npm package.

const docsDir = join(__dirname, '..', 'docs', 'rules');
const docHrefCache = new Map<string, string | undefined>();
function docHref(rule: string): string | undefined {
  if (!/^[a-z0-9-]+$/.test(rule)) return undefined;
  if (!docHrefCache.has(rule)) {
    const file = join(docsDir, `${rule}.md`);
    docHrefCache.set(rule, existsSync(file) ? pathToFileURL(file).toString() : undefined);
  }
  return docHrefCache.get(rule);
}

// ---------------------------------------------------------------------------------------------
// The server

/** Debounce between the last edit and relinting (ms). */
export const LINT_DELAY_MS = 150;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let hasConfigurationCapability = false;
  /** Settings pushed through didChangeConfiguration or initializationOptions (clients without pull). */
  let pushedSettings: ServerSettings = DEFAULT_SETTINGS;
  /** Per-document settings pulled with workspace/configuration. */
  const settingsCache = new Map<string, Promise<ServerSettings>>();
  /** The last lint per document, valid for that document version only. */
  const lintCache = new Map<string, { version: number; settings: ServerSettings; result: LintResult }>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const log = (msg: string) => connection.console.log(msg);
  const logError = (what: string, e: unknown) =>
    connection.console.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);

  /** Runs a feature; a throw is logged and answered with `fallback` (the server never goes down for one). */
  function guard<T>(what: string, fallback: T, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      logError(what, e);
      return fallback;
    }
  }

  function settingsFor(uri: string): Promise<ServerSettings> {
    if (!hasConfigurationCapability) return Promise.resolve(pushedSettings);
    let p = settingsCache.get(uri);
    if (!p) {
      p = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'routeros' })
        .then(
          (raw) => (raw == null ? pushedSettings : normalizeSettings(raw)),
          (e) => {
            logError('workspace/configuration', e);
            return pushedSettings;
          },
        );
      settingsCache.set(uri, p);
    }
    return p;
  }

  /** The lint of the document's current version (cached; computed on demand with the last known settings). */
  function lintOf(doc: TextDocument, settings?: ServerSettings): LintResult {
    const cached = lintCache.get(doc.uri);
    if (cached && cached.version === doc.version && (!settings || cached.settings === settings)) return cached.result;
    const s = settings ?? cached?.settings ?? pushedSettings;
    const result = lint(doc.getText(), { severities: s.rules, thresholds: s.thresholds });
    lintCache.set(doc.uri, { version: doc.version, settings: s, result });
    return result;
  }

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const settings = await settingsFor(uri);
    // Stale work: the document changed (or closed) while the settings were fetched.
    const current = documents.get(uri);
    if (!current || current.version !== version) return;
    const result = guard('lint', undefined, () => lintOf(current, settings));
    if (!result) return;
    const diagnostics = guard('diagnostics', [], () =>
      toDiagnostics(result.findings, { uri, version, docHref }),
    );
    await connection.sendDiagnostics({ uri, version, diagnostics });
  }

  function schedule(uri: string, delay: number): void {
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        validate(uri).catch((e) => logError('validate', e));
      }, delay),
    );
  }

  function revalidateAll(): void {
    lintCache.clear();
    for (const d of documents.all()) schedule(d.uri, 0);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    hasConfigurationCapability = params.capabilities.workspace?.configuration === true;
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    if (init && typeof init === 'object' && init.settings) pushedSettings = normalizeSettings(init.settings);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      },
      serverInfo: { name: 'routeros-language-server', version: '0.1.0' },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    const s = (change.settings as { routeros?: unknown } | null)?.routeros;
    if (s !== undefined) pushedSettings = normalizeSettings(s);
    settingsCache.clear();
    revalidateAll();
  });

  // TextDocuments fires onDidChangeContent for an open too: a document never linted is linted at once,
  // edits after that wait for a pause in typing (the pending timer is replaced, so stale work never runs).
  documents.onDidChangeContent((e) => schedule(e.document.uri, lintCache.has(e.document.uri) ? LINT_DELAY_MS : 0));
  documents.onDidClose((e) => {
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    lintCache.delete(e.document.uri);
    settingsCache.delete(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch(() => undefined);
  });

  documents.listen(connection);
  connection.listen();
  log('routeros-language-server started');
}

// Started as a program (dist/server.js, bin/routeros-language-server.js), not when imported by a test.
if (require.main === module || process.argv.some((a) => a === '--stdio' || a.startsWith('--node-ipc') || a.startsWith('--socket') || a.startsWith('--pipe') || a.startsWith('--clientProcessId'))) {
  process.on('uncaughtException', (e) => {
    try {
      process.stderr.write(`routeros-language-server: uncaught ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    } catch {
      /* nothing left to report to */
    }
  });
  startServer(createConnection(ProposedFeatures.all));
}
