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
import { readFile, readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  ErrorCodes,
  ResponseError,
  type InitializeParams,
  type InitializeResult,
  type Connection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { mergeLintOptions, projectConfigOptions } from './lintConfigNode';
import { lintSteps, type LintOptions, type LintResult } from './lint';
import { LintJobs, type Cancellable } from './lintJobs';
import { inputTooLarge } from './limits';
import type { SeveritySetting, Thresholds } from './rules/types';
import { loadSchema, schemaForScript } from './schema';
import { toDiagnostics } from './features/diagnostics';
import { codeActions, FIX_ALL_KIND, QUICKFIX_KIND } from './features/codeActions';
import { REORDER_KIND } from './features/reorder';
import { definition, documentHighlights, prepareRename, references, rename } from './features/navigation';
import { generateKnockSetup, type KnockSetupOptions } from './features/knockSetup';
import { completion, COMPLETION_TRIGGER_CHARACTERS } from './features/completion';
import { hover } from './features/hover';
import { documentSymbols } from './features/symbols';
import { foldingRanges } from './features/folding';
import { formatOptionsFrom, formattingEdits } from './features/formatting';
import type { FormatOptions } from './format/format';
import { parse } from './parser';
import { buildModel } from './model';
import type { ParseResult } from './parser/ast';
import { signatureHelp } from './features/signatureHelp';
import { codeLenses } from './features/codeLens';
import { semanticTokens, SEMANTIC_TOKENS_LEGEND } from './features/semanticTokens';
import { WorkspaceIndex, WORKSPACE_MAX_FILE_BYTES } from './features/workspace';
import { indexNames, occurrenceAt } from './features/navigation';
import { offsetAt } from './features/textPos';
import { firewallMap, type MapTrace } from './features/firewallMap';
import { diffMarkdown, diffText, firewallDiff } from './features/firewallDiff';
import { layoutMap, renderSvg, traceBody } from './features/mapRender';
import { mapTrace, TraceSpecError } from './features/traceSpec';

// ---------------------------------------------------------------------------------------------
// Settings

/** The `routeros.*` settings the server reads (package.json `contributes.configuration`). */
export interface ServerSettings {
  rules: Record<string, SeveritySetting>;
  thresholds: Partial<Thresholds>;
  schemaVersion: string;
  /** routeros.targetVersion: the RouterOS version the checks, completion and hover follow (unset: the file's /export header, then the newest). */
  targetVersion?: string;
  /** `routeros.format.*`: path style, width, header lines. */
  format?: FormatOptions;
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
  if (typeof r.targetVersion === 'string' && /^\s*v?\d+\.\d+/.test(r.targetVersion)) out.targetVersion = r.targetVersion.trim();
  if (r.format !== undefined) out.format = formatOptionsFrom(r.format);
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
/** A lint runs in slices of about this many ms; requests and edits are handled in between. */
export const LINT_SLICE_MS = 8;

interface CachedLint {
  version: number;
  settings: ServerSettings;
  result: LintResult;
  /** The text that was linted (features answer over it, not a newer text). */
  text: string;
}

/** Custom request of the VS Code client's "Insert port-knocking setup..." command. */
export const KNOCK_SETUP_REQUEST = 'routeros/knockSetup';
export interface KnockSetupParams {
  uri: string;
  /** Everything but the randomness (the server uses Math.random). */
  options: Omit<KnockSetupOptions, 'random'>;
}
export interface KnockSetupResponse {
  /** The document version the edits apply to. */
  version: number;
  edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>;
  ports: number[];
  lists: string[];
  clientCommand: string;
}

/** Custom request of the VS Code client's "Show firewall map" view: the map of a document, drawn. */
export const FIREWALL_MAP_REQUEST = 'routeros/firewallMap';
export interface FirewallMapParams {
  uri: string;
  /** `knock`, `knock:N` or a packet (`tcp:22 from WAN`); empty for none. */
  trace?: string;
}
export interface FirewallMapResponse {
  version: number;
  svg: string;
  trace: MapTrace | null;
  traceHtml: string;
  /** The trace could not be read: what to write instead (the map is still drawn). */
  error?: string;
  knocks: Array<{ index: number; description: string }>;
}

/** Custom request of "RouterOS: Compare firewall with...": what the open document changes against a base text. */
export const FIREWALL_DIFF_REQUEST = 'routeros/firewallDiff';
export interface FirewallDiffParams {
  /** The open document: the NEW side. */
  uri: string;
  /** The OLD side's text (the git HEAD version, another file) and how to name it. */
  baseText: string;
  baseName: string;
  /** How to name the open document (default: its URI's last segment). */
  name?: string;
}
export interface FirewallDiffResponse {
  version: number;
  /** The report as Markdown (features/firewallDiff.ts `diffMarkdown`), and as text. */
  markdown: string;
  text: string;
  complete: boolean;
  changes: number;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let hasConfigurationCapability = false;
  /** The client is VS Code (our extension says so): completion items may carry VS Code commands. */
  let isVsCode = false;
  /** Settings pushed through didChangeConfiguration or initializationOptions (clients without pull). */
  let pushedSettings: ServerSettings = DEFAULT_SETTINGS;
  /** Per-document settings pulled with workspace/configuration. */
  const settingsCache = new Map<string, Promise<ServerSettings>>();
  /** The last lint per document, valid for that document version only (with the text it linted). */
  const lintCache = new Map<string, CachedLint>();
  /** Lints run in slices off the request path, only while someone waits (see lintJobs.ts). */
  const jobs = new LintJobs(lintSteps, LINT_SLICE_MS, (e) => logError('lint', e));
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

  // The other .rsc files of the workspace: their globals and definitions (features/workspace.ts).
  let workspace: WorkspaceIndex | undefined;
  let workspaceRoots: string[] = [];

  /** Settings, then the document's `.rsc-lint.json` on top (what CI runs with is what the editor shows). */
  function lintOptionsOf(s: ServerSettings, uri?: string): LintOptions {
    const workspaceGlobals = workspace && uri ? workspace.globalsExcept(uri) : undefined;
    const base: LintOptions = { severities: s.rules, thresholds: s.thresholds, env: { targetVersion: s.targetVersion, ...(workspaceGlobals ? { workspaceGlobals } : {}) } };
    const project = uri ? projectConfigOptions(uri, (m) => connection.console.error(m)) : undefined;
    return project ? mergeLintOptions(base, project) : base;
  }

  /** The settings the document's cached lint used (or the pushed ones): features answer synchronously. */
  function currentSettings(uri: string): ServerSettings {
    return lintCache.get(uri)?.settings ?? pushedSettings;
  }

  /** The message for a document over the size limit (limits.ts; counted in UTF-16 units), or undefined. */
  function tooLarge(doc: TextDocument): string | undefined {
    return inputTooLarge(doc.getText().length, 'this file');
  }

  /** Parse-only cache for the current version: completion while typing needs the tree, not the whole lint. */
  const parseCache = new Map<string, { version: number; parse: ParseResult }>();
  function parseOf(doc: TextDocument): ParseResult {
    const linted = lintCache.get(doc.uri);
    if (linted && linted.version === doc.version) return linted.result.parse;
    const cached = parseCache.get(doc.uri);
    if (cached && cached.version === doc.version) return cached.parse;
    const p = tooLarge(doc) ? parse('') : parse(doc.getText());
    parseCache.set(doc.uri, { version: doc.version, parse: p });
    return p;
  }

  /**
   * The lint of the document's current version: cached, or computed in slices with the event loop free
   * in between (computed on demand with the last known settings). Undefined when `token` is cancelled
   * or the document changes before the lint is done (nobody needs that version's lint any more).
   */
  async function lintAsync(doc: TextDocument, token?: Cancellable, settings?: ServerSettings): Promise<CachedLint | undefined> {
    const cached = lintCache.get(doc.uri);
    if (cached && cached.version === doc.version && (!settings || cached.settings === settings)) return cached;
    // the document's settings (the same object validate uses: a job for other settings would replace it)
    const s = settings ?? (await settingsFor(doc.uri));
    if (token?.isCancellationRequested) return undefined;
    const { uri, version } = doc;
    // over the size limit: no lint (validate reports it), features answer empty
    if (tooLarge(doc)) return undefined;
    const result = await jobs.request(
      { uri, version, text: doc.getText(), options: lintOptionsOf(s, uri), settings: s, isCurrent: () => documents.get(uri)?.version === version },
      token,
    );
    if (!result) return undefined;
    const entry: CachedLint = { version, settings: s, result, text: doc.getText() };
    if (documents.get(uri)?.version === version) {
      lintCache.set(uri, entry);
      parseCache.delete(uri);
    }
    return entry;
  }

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const settings = await settingsFor(uri);
    // Stale work: the document changed (or closed) while the settings were fetched.
    const current = documents.get(uri);
    if (!current || current.version !== version) return;
    const big = tooLarge(current);
    if (big) {
      await connection.sendDiagnostics({ uri, version, diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 2, source: 'rsc-lint', message: big }] });
      return;
    }
    const linted = await lintAsync(current, undefined, settings);
    if (!linted) return; // the document changed meanwhile: its new version is scheduled
    const diagnostics = guard('diagnostics', [], () =>
      toDiagnostics(linted.result.findings, { uri, version, docHref }),
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
    isVsCode = (init as { vscode?: unknown } | undefined)?.vscode === true;
    workspaceRoots = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []))
      .map((f) => f.uri)
      .filter((u) => u.startsWith('file:'));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: {
          codeActionKinds: [QUICKFIX_KIND, REORDER_KIND, FIX_ALL_KIND],
          resolveProvider: false,
        },
        completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS, resolveProvider: false },
        hoverProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        signatureHelpProvider: { triggerCharacters: [' '], retriggerCharacters: ['='] },
        codeLensProvider: { resolveProvider: false },
        workspaceSymbolProvider: true,
        // Only what the grammar cannot know: which words are address lists, chains, interface lists, layer7
        // protocols, scripts and variables, their declarations, and builtins (features/semanticTokens.ts).
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
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
    jobs.cancel(e.document.uri);
    lintCache.delete(e.document.uri);
    parseCache.delete(e.document.uri);
    settingsCache.delete(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch(() => undefined);
  });

  // -------------------------------------------------------------------------------------------
  // Features: each one a pure function over the cached lint of the current document version.

  connection.onCodeAction(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const l = await lintAsync(doc, token);
    if (!l) return [];
    return guard('codeAction', [], () =>
      codeActions({
        uri: doc.uri,
        text: l.text,
        lint: l.result,
        range: params.range,
        only: params.context.only,
        lintOptions: lintOptionsOf(l.settings, doc.uri),
        version: l.version,
        docHref,
      }),
    );
  });

  const schemaOf = (uri: string) => {
    const s = currentSettings(uri);
    const doc = documents.get(uri);
    return doc ? schemaForScript(parseOf(doc).script, s.targetVersion, s.schemaVersion) : loadSchema(s.targetVersion ?? s.schemaVersion);
  };

  connection.onCompletion((params) =>
    guard('completion', [], () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      return completion(doc.getText(), parseOf(doc), params.position, schemaOf(doc.uri), { triggerSuggest: isVsCode });
    }),
  );

  connection.onHover(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const l = await lintAsync(doc, token);
    if (!l) return null;
    const r = l.result;
    return guard('hover', null, () => hover(l.text, { parse: r.parse, model: r.model, knocks: r.knocks }, params.position, schemaOf(doc.uri)));
  });

  connection.onDocumentSymbol(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const l = await lintAsync(doc, token);
    if (!l) return [];
    const r = l.result;
    return guard('documentSymbol', [], () => documentSymbols(r.parse, schemaOf(doc.uri), r.knocks, r.model.layer7));
  });

  connection.onFoldingRanges((params) =>
    guard('foldingRange', [], () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      return foldingRanges(parseOf(doc), schemaOf(doc.uri));
    }),
  );

  connection.onDefinition((params) =>
    guard('definition', [], () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const text = doc.getText();
      const local = definition(text, parseOf(doc), params.position, schemaOf(doc.uri)).map((range) => ({ uri: doc.uri, range }));
      if (!workspace) return local;
      // Not defined in this file: the workspace's other files (a :global, an address list filled elsewhere).
      const names = indexNames(parseOf(doc), schemaOf(doc.uri), text);
      const occ = occurrenceAt(names, offsetAt(text, params.position));
      if (!occ || (names.byKey.get(occ.key) ?? []).some((o) => o.def)) return local;
      const elsewhere = workspace.definitions(occ.key, doc.uri);
      return elsewhere.length > 0 ? elsewhere : local;
    }),
  );

  connection.onReferences((params) =>
    guard('references', [], () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      return references(
        doc.getText(),
        parseOf(doc),
        params.position,
        schemaOf(doc.uri),
        params.context.includeDeclaration,
      ).map((range) => ({ uri: doc.uri, range }));
    }),
  );

  connection.onDocumentHighlight((params) =>
    guard('documentHighlight', [], () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      return documentHighlights(doc.getText(), parseOf(doc), params.position, schemaOf(doc.uri));
    }),
  );

  connection.onPrepareRename((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const r = guard('prepareRename', undefined, () =>
      prepareRename(doc.getText(), parseOf(doc), params.position, schemaOf(doc.uri)),
    );
    if (!r) return null;
    if ('error' in r) throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
    return r;
  });

  connection.onRenameRequest((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const r = guard('rename', undefined, () =>
      rename(doc.getText(), parseOf(doc), params.position, params.newName, schemaOf(doc.uri)),
    );
    if (!r) return null;
    if ('error' in r) throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
    return { changes: { [doc.uri]: r.edits } };
  });

  connection.onRequest(KNOCK_SETUP_REQUEST, (params: KnockSetupParams): KnockSetupResponse => {
    const doc = documents.get(params?.uri);
    if (!doc) throw new ResponseError(ErrorCodes.InvalidParams, 'The document is not open in the language server.');
    let setup;
    try {
      setup = generateKnockSetup({ ...params.options, random: Math.random }, doc.getText());
    } catch (e) {
      // Invalid options (stages out of range, bad time): the generator's message is for the user.
      throw new ResponseError(ErrorCodes.InvalidParams, e instanceof Error ? e.message : String(e));
    }
    return {
      version: doc.version,
      edits: setup.edits.map((e) => ({
        range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) },
        newText: e.newText,
      })),
      ports: setup.ports,
      lists: setup.lists,
      clientCommand: setup.clientCommand,
    };
  });

  // -------------------------------------------------------------------------------------------
  // Workspace: index the .rsc files of the workspace folders in the background (bounded), keep open documents'
  // buffers in the index, and relint open documents when the set of workspace globals changes.

  /** At most this many files are indexed (a fleet of exports needs no cross-file globals). */
  const WORKSPACE_MAX_FILES = 2000;
  const SKIP_DIRS = new Set(['node_modules', '.git', '.vscode-test', 'dist', 'out']);

  async function scanWorkspace(): Promise<void> {
    const index = new WorkspaceIndex(loadSchema(pushedSettings.schemaVersion));
    workspace = index;
    const queue = workspaceRoots.map((u) => fileURLToPath(u));
    let files = 0;
    while (queue.length > 0 && files < WORKSPACE_MAX_FILES) {
      const dir = queue.shift()!;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) queue.push(full);
        } else if (e.isFile() && e.name.toLowerCase().endsWith('.rsc') && files < WORKSPACE_MAX_FILES) {
          const uri = pathToFileURL(full).toString();
          if (documents.get(uri)) continue; // an open document is indexed from its buffer
          try {
            if ((await stat(full)).size > WORKSPACE_MAX_FILE_BYTES) continue;
            index.update(uri, await readFile(full, 'latin1'));
            files++;
          } catch {
            /* unreadable: skipped */
          }
          // Let requests in between files.
          await new Promise((r) => setImmediate(r));
        }
      }
    }
    for (const d of documents.all()) index.update(d.uri, d.getText());
    if (files >= WORKSPACE_MAX_FILES) log(`workspace: indexed the first ${WORKSPACE_MAX_FILES} .rsc files only`);
    if (index.globalsExcept('').size > 0) revalidateAll();
  }

  function indexDocument(uri: string, text: string): void {
    if (!workspace) return;
    if (workspace.update(uri, text)) {
      // Another document's undefined-variable findings may change.
      for (const d of documents.all()) if (d.uri !== uri) {
        lintCache.delete(d.uri);
        schedule(d.uri, LINT_DELAY_MS);
      }
    }
  }

  connection.onInitialized(() => {
    if (workspaceRoots.length > 0) scanWorkspace().catch((e) => logError('workspace scan', e));
  });

  documents.onDidSave((e) => indexDocument(e.document.uri, e.document.getText()));
  documents.onDidOpen((e) => indexDocument(e.document.uri, e.document.getText()));

  connection.onDidChangeWatchedFiles((params) => {
    for (const ch of params.changes) {
      if (!ch.uri.toLowerCase().endsWith('.rsc') || !ch.uri.startsWith('file:') || documents.get(ch.uri)) continue;
      if (ch.type === 3 /* Deleted */) {
        if (workspace?.remove(ch.uri)) revalidateAll();
        continue;
      }
      readFile(fileURLToPath(ch.uri), 'latin1').then(
        (text) => indexDocument(ch.uri, text),
        () => undefined,
      );
    }
  });

  connection.onWorkspaceSymbol((params) => guard('workspaceSymbol', [], () => workspace?.symbols(params.query) ?? []));

  connection.onSignatureHelp((params) =>
    guard('signatureHelp', null, () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      return signatureHelp(doc.getText(), parseOf(doc), params.position, schemaOf(doc.uri));
    }),
  );

  connection.languages.semanticTokens.on((params) =>
    guard('semanticTokens', { data: [] }, () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return { data: [] };
      return semanticTokens(doc.getText(), parseOf(doc), schemaOf(doc.uri));
    }),
  );

  connection.onCodeLens(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const l = await lintAsync(doc, token);
    if (!l) return [];
    return guard('codeLens', [], () => codeLenses(l.result, { vscode: isVsCode }));
  });

  connection.onRequest(FIREWALL_MAP_REQUEST, async (params: FirewallMapParams, token): Promise<FirewallMapResponse> => {
    const doc = documents.get(params?.uri);
    if (!doc) throw new ResponseError(ErrorCodes.InvalidParams, 'The document is not open in the language server.');
    const linted = await lintAsync(doc, token);
    // -32801: ContentModified (the document changed, or the request was cancelled, before its lint was done)
    if (!linted) throw new ResponseError(-32801, 'The document changed; ask again.');
    const result = linted.result;
    const map = firewallMap(result);
    let trace: MapTrace | undefined;
    let error: string | undefined;
    if (params.trace) {
      try {
        trace = mapTrace(result, params.trace);
      } catch (e) {
        if (!(e instanceof TraceSpecError)) throw e;
        error = e.message;
      }
    }
    return {
      version: linted.version,
      svg: renderSvg(map, layoutMap(map), { trace, inline: true }),
      trace: trace ?? null,
      traceHtml: trace ? traceBody(trace) : '',
      ...(error ? { error } : {}),
      knocks: map.knocks.map((k) => ({ index: k.index, description: k.description })),
    };
  });
  connection.onRequest(FIREWALL_DIFF_REQUEST, async (params: FirewallDiffParams, token): Promise<FirewallDiffResponse> => {
    const doc = documents.get(params?.uri);
    if (!doc) throw new ResponseError(ErrorCodes.InvalidParams, 'The document is not open in the language server.');
    if (typeof params.baseText !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'baseText must be the text to compare with.');
    const big = inputTooLarge(params.baseText.length, params.baseName || 'the base') ?? tooLarge(doc);
    if (big) throw new ResponseError(ErrorCodes.InvalidParams, big);
    const linted = await lintAsync(doc, token);
    if (!linted) throw new ResponseError(-32801, 'The document changed; ask again.');
    const name = params.name ?? decodeURIComponent(doc.uri.replace(/.*\//, ''));
    const baseParse = parse(params.baseText);
    const before = { name: params.baseName || 'base', text: params.baseText, parse: baseParse, model: buildModel(baseParse, params.baseText) };
    const after = { name, text: doc.getText(), parse: linted.result.parse, model: linted.result.model };
    const env = lintOptionsOf(currentSettings(doc.uri), doc.uri).env ?? {};
    const report = guard('firewallDiff', undefined, () => firewallDiff(before, after, { env }));
    if (!report) throw new ResponseError(ErrorCodes.InternalError, 'The comparison failed (see the RouterOS output).');
    const errors = [before.parse.errors.length > 0 ? before.name : '', linted.result.parse.errors.length > 0 ? name : ''].filter(Boolean);
    const warn = errors.length > 0 ? `> **Warning:** ${errors.join(' and ')} ${errors.length > 1 ? 'have' : 'has'} syntax errors: the firewall compared is what the parser recovered.\n\n` : '';
    return { version: linted.version, markdown: warn + diffMarkdown(report), text: diffText(report), complete: report.complete, changes: report.changes.length };
  });
  // Formatting: a file with syntax errors is left alone, and the user is told once per version why.
  const formatToldAt = new Map<string, number>();
  const formatRequest = (uri: string, range?: import('vscode-languageserver/node').Range) => {
    const doc = documents.get(uri);
    if (!doc) return [];
    const r = formattingEdits(doc.getText(), currentSettings(uri).format ?? {}, range);
    if (r.skipped && formatToldAt.get(uri) !== doc.version) {
      formatToldAt.set(uri, doc.version);
      // a notification (not showMessageRequest): nothing to answer, and format-on-save never waits on it
      void connection.sendNotification('window/showMessage', { type: 2, message: `RouterOS: ${r.skipped}` });
    }
    return r.edits;
  };
  connection.onDocumentFormatting((params) => guard('formatting', [], () => formatRequest(params.textDocument.uri)));
  connection.onDocumentRangeFormatting((params) => guard('rangeFormatting', [], () => formatRequest(params.textDocument.uri, params.range)));

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
