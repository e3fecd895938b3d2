// The VS Code side of "Upload and apply" / "Validate on router": settings, SecretStorage, prompts,
// progress, output channel and the Problems panel. Everything else lives in the pure modules next to
// this file. Registered from extension.ts (FEATURES) as `registerUpload`.

import { readFileSync } from 'node:fs';
import { utils as sshUtils } from 'ssh2';
import * as vscode from 'vscode';
import { lint } from '../../../server/src/lint';
import type { ExtensionDeps } from '../deps';
import { lockoutRisks } from '../../../server/src/features/lockout';
import { buildPreview } from '../../../server/src/features/uploadPreview';
import { credentialSource } from './credentials';
import { runUpload, type CredentialSource, type UploadDeps, type UploadResult } from './orchestrate';
import { checkProfile } from './preflight';
import { connectRest } from './rest';
import { connectSsh } from './ssh';
import { defaultPort, trustId, type TrustStore } from './transport';
import { DEFAULT_SETTINGS, type Phase, type RouterProfile, type UploadSettings, UploadFailure } from './types';

const TRUST_KEY = 'routeros.upload.trust';

function readSettings(): UploadSettings {
  const c = vscode.workspace.getConfiguration('routeros.upload');
  return {
    ...DEFAULT_SETTINGS,
    safeApplyMinutes: Math.max(0, c.get<number>('safeApplyMinutes', 0)),
    connectTimeoutMs: Math.max(1, c.get<number>('connectTimeoutSeconds', 15)) * 1000,
    importTimeoutMs: Math.max(10, c.get<number>('importTimeoutSeconds', 600)) * 1000,
  };
}

function profiles(): Array<Partial<RouterProfile>> {
  const v = vscode.workspace.getConfiguration('routeros').get<unknown>('routers', []);
  return Array.isArray(v) ? (v as Array<Partial<RouterProfile>>) : [];
}

async function pickProfile(placeHolder: string): Promise<RouterProfile | undefined> {
  const all = profiles();
  if (all.length === 0) {
    const open = await vscode.window.showErrorMessage('No router configured: add one to the setting "routeros.routers" (name, host, user, transport).', 'Open Settings');
    if (open) await vscode.commands.executeCommand('workbench.action.openSettings', 'routeros.routers');
    return undefined;
  }
  let chosen = all[0];
  if (all.length > 1) {
    const pick = await vscode.window.showQuickPick(
      all.map((p) => ({ label: String(p.name ?? '(unnamed)'), description: `${p.transport ?? '?'} ${p.user ?? '?'}@${p.host ?? '?'}${p.port ? ':' + p.port : ''}`, p })),
      { placeHolder },
    );
    if (!pick) return undefined;
    chosen = pick.p;
  }
  return checkProfile(chosen);
}

function trustStore(context: vscode.ExtensionContext): TrustStore {
  const read = () => context.globalState.get<Record<string, string>>(TRUST_KEY, {});
  return {
    get: (id) => read()[id],
    set: (id, fp) => context.globalState.update(TRUST_KEY, { ...read(), [id]: fp }),
    delete: (id) => {
      const m = { ...read() };
      delete m[id];
      return context.globalState.update(TRUST_KEY, m);
    },
  };
}

function editorCredentials(secrets: vscode.SecretStorage): CredentialSource {
  return credentialSource(secrets, {
    password: (p) =>
      vscode.window.showInputBox({
        title: `Password for ${p.user}@${p.host}:${defaultPort(p)} (${p.transport})`,
        prompt: `Password of user "${p.user}" on router "${p.name}" at ${p.host}:${defaultPort(p)} (kept in the OS secret store for this host, port, user and transport; never in settings)`,
        password: true,
        ignoreFocusOut: true,
      }),
    passphrase: (p, keyPath) =>
      vscode.window.showInputBox({
        title: `Passphrase of ${keyPath}`,
        prompt: `Private key passphrase for router "${p.name}" (kept in the OS secret store)`,
        password: true,
        ignoreFocusOut: true,
      }),
    readKey: (path) => readFileSync(path),
    keyIsEncrypted: (key) => {
      const probe = sshUtils.parseKey(key);
      return probe instanceof Error && /encrypted|passphrase/i.test(probe.message);
    },
  });
}

function toDiagnostics(res: UploadResult): vscode.Diagnostic[] {
  return res.problems
    .filter((p) => p.line !== undefined)
    .map((p) => {
      const range = new vscode.Range(p.line!, p.column ?? 0, p.endLine ?? p.line!, p.endColumn ?? (p.column ?? 0) + 1);
      const d = new vscode.Diagnostic(range, `Router: ${p.message}`, vscode.DiagnosticSeverity.Error);
      d.source = 'router';
      d.code = p.kind === 'syntax' ? 'router-syntax' : 'router-runtime';
      return d;
    });
}

const PHASE_TITLES: Record<Phase, string> = {
  check: 'Checking', connect: 'Connecting', upload: 'Uploading', validate: 'Validating (dry run)', apply: 'Applying', verify: 'Proving access', 'clean up': 'Cleaning up',
};

/** Read-only documents holding upload previews (`routeros-preview:` URIs); text already redacted. */
const PREVIEW_SCHEME = 'routeros-preview';

export function registerUpload(context: vscode.ExtensionContext, deps: ExtensionDeps): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('routeros-upload');
  context.subscriptions.push(diagnostics);
  const previews = new Map<string, string>();
  const previewChanged = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    previewChanged,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, {
      onDidChange: previewChanged.event,
      provideTextDocumentContent: (uri) => previews.get(uri.toString()) ?? 'This preview is no longer available: run the upload again.',
    }),
  );
  /** Opens the preview beside the script (read-only, Markdown) without taking the focus from the question. */
  const showPreview = async (document: string, title: string) => {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${title.replace(/[^A-Za-z0-9._ -]+/g, '-')}.md` });
    previews.set(uri.toString(), document);
    previewChanged.fire(uri);
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'markdown').then(undefined, () => undefined);
      await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
    } catch (e) {
      deps.log(`could not open the preview document (${e instanceof Error ? e.message : String(e)}); its text follows`);
      for (const l of document.split('\n')) deps.log(l);
    }
  };
  const trust = trustStore(context);
  const credentials = editorCredentials(context.secrets);
  let running = false;

  const go = async (mode: 'apply' | 'validate') => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void vscode.window.showErrorMessage('Open the .rsc file to upload first.');
    if (running) return void vscode.window.showWarningMessage('An upload is already running.');
    let profile: RouterProfile | undefined;
    try {
      profile = await pickProfile(mode === 'apply' ? 'Router to apply the script to' : 'Router to validate the script on');
    } catch (e) {
      return void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
    }
    if (!profile) return;
    const doc = editor.document;
    const text = doc.getText();
    const label = vscode.workspace.asRelativePath(doc.uri);
    diagnostics.delete(doc.uri);
    if (profile.transport === 'rest' && profile.restAllowHttp) {
      deps.log(`warning: router "${profile.name}" uses plain HTTP (restAllowHttp): the password travels unencrypted.`);
    }
    running = true;
    let applyStarted = false;
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `RouterOS ${mode === 'apply' ? 'upload' : 'validation'} → ${profile.name}`, cancellable: true },
        (progress, token) => {
          const ud: UploadDeps = {
            connect: profile!.transport === 'ssh' ? connectSsh : connectRest,
            trust,
            credentials,
            prompt: {
              confirmFingerprint: async (what, endpoint, fp) =>
                (await vscode.window.showWarningMessage(
                  `First connection to ${endpoint}. Its ${what} fingerprint is\n${fp}\nCompare it with the router (SSH: /ip ssh print; HTTPS: /certificate print detail) before trusting it.`,
                  { modal: true },
                  'Trust and connect',
                )) === 'Trust and connect',
            },
            confirm: async (message, action) => (await vscode.window.showWarningMessage(message, { modal: true }, action)) === action,
            choose: (message, actions) => Promise.resolve(vscode.window.showWarningMessage(message, { modal: true }, ...actions)),
            log: (l) => deps.log(l),
            progress: (phase, message) => {
              if (phase === 'apply') applyStarted = true;
              progress.report({ message: `${PHASE_TITLES[phase]}: ${message}${applyStarted ? ' (cannot be cancelled now)' : ''}` });
            },
            isCancelled: () => token.isCancellationRequested && !applyStarted,
            ...(vscode.workspace.getConfiguration('routeros.upload').get<boolean>('preview', true)
              ? { preview: buildPreview, showPreview: (document: string, title: string) => showPreview(document, title) }
              : {}),
            lockout: (t, access) => {
              try {
                return lockoutRisks(lint(t), { ...access, family: /:/.test(profile!.host) ? 'ipv6' : 'ip' });
              } catch (e) {
                deps.log(`lint failed before upload (${e instanceof Error ? e.message : String(e)}); continuing without the lockout check`);
                return [];
              }
            },
          };
          return runUpload({ text, fileLabel: label, profile: profile!, settings: readSettings(), mode }, ud);
        },
      );
      diagnostics.set(doc.uri, toDiagnostics(result));
      const msg = `${profile.name}: ${result.summary}${result.leftBehind ? ` The temporary file ${result.leftBehind} is still on the router.` : ''}`;
      deps.log(`[result] ${result.outcome}: ${msg}`);
      const show = result.outcome === 'applied' || result.outcome === 'validated'
        ? vscode.window.showInformationMessage
        : result.outcome === 'not-applied'
          ? vscode.window.showErrorMessage
          : vscode.window.showWarningMessage;
      // Not awaited: the notification can stay open (or sit in the notification centre) for ever; the upload
      // is over, so neither the command nor the "already running" guard waits for it.
      void show(msg, 'Show Output').then((act) => act && deps.output.show(true));
    } catch (e) {
      // runUpload throws only UploadFailure, whose text went through the Redactor; anything else is our
      // own bug and is shown without its text (it could hold anything).
      const m = e instanceof UploadFailure ? e.shown : 'Upload failed with an internal error; see the output channel.';
      if (!(e instanceof UploadFailure)) deps.log(`internal error in the upload (${e instanceof Error ? e.name : typeof e})`);
      void vscode.window.showErrorMessage(`${profile.name}: ${m}`, 'Show Output').then((act) => act && deps.output.show(true));
    } finally {
      running = false;
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('routeros.uploadAndApply', () => go('apply')),
    vscode.commands.registerCommand('routeros.validateOnRouter', () => go('validate')),
    vscode.commands.registerCommand('routeros.forgetHostKey', async () => {
      const p = await pickProfile('Router whose pinned SSH host key / TLS certificate to forget').catch(() => undefined);
      if (!p) return;
      const id = trustId(p);
      if (trust.get(id) === undefined) return void vscode.window.showInformationMessage(`No key is pinned for ${p.name} (${id}).`);
      await trust.delete(id);
      deps.log(`forgot the pinned key of ${p.name} (${id})`);
      vscode.window.showInformationMessage(`Forgot the pinned key of ${p.name}; the next connection shows the new fingerprint for confirmation.`);
    }),
    vscode.commands.registerCommand('routeros.forgetPassword', async () => {
      const p = await pickProfile('Router whose stored password to forget').catch(() => undefined);
      if (!p) return;
      await credentials.forget(p);
      vscode.window.showInformationMessage(`Forgot the stored password/passphrase of ${p.name}.`);
    }),
  );
}
