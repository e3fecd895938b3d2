// The upload, step by step: check -> connect -> upload -> validate (dry run) -> [arm revert] -> apply
// -> [prove access, disarm] -> clean up. Pure Node: the editor supplies prompts, secrets, trust store,
// progress and the log through UploadDeps (client/src/upload/command.ts), tests supply scripted ones.
//
// Guarantees:
// - Nothing changes on the router before the last cancellation point (just before arming/applying);
//   once the import started it is never interrupted.
// - Every network step has a deadline and a dead connection ends the step at once; cleanup is bounded
//   too, so runUpload always settles.
// - The temporary file is removed whatever happens after it was stored (best effort if the connection
//   is gone; the log says so).
// - Everything that leaves runUpload (log lines, progress, questions, the result, the error) is `Shown`:
//   it went through the one Redactor of the run. Questions are asked outside any network clock.

import { type Shown, Redactor } from './redact';
import { classifyImport, dryRunRejected, parseVersion, supportsDryRun, type Classification } from './routerOutput';
import { checkProfile, describeLockout, describeNonAscii, preflight, tempFileName, type LockoutRiskLike, type UploadAccess } from './preflight';
import { ALIVE_ANSWER, ALIVE_COMMAND, armCheckCommand, armCommands, disarmCommands, safeApplyName } from './safeApply';
import { type Connector, type Credentials, type RouterSession, type TrustPrompt, type TrustStore, defaultPort, withDeadline } from './transport';
import {
  OFFERED_SAFE_APPLY_MINUTES,
  type Outcome,
  type Phase,
  type RouterProblem,
  type RouterProfile,
  type RouterVersion,
  type ShownProblem,
  type UploadSettings,
  UploadError,
  UploadFailure,
} from './types';

export interface CredentialSource {
  /** The credentials for a profile, asking the user when none are stored; undefined when they cancel. */
  get(profile: RouterProfile): Promise<Credentials | undefined>;
  /** After a successful login: store what the user typed (SecretStorage). */
  remember(profile: RouterProfile, credentials: Credentials): Promise<void>;
  /** After a rejected login: drop what is stored, so the next run asks again. */
  forget(profile: RouterProfile): Promise<void>;
}

export interface UploadDeps {
  connect: Connector;
  trust: TrustStore;
  prompt: TrustPrompt;
  credentials: CredentialSource;
  /** Yes/no question; `action` is the label of the "yes" button. */
  confirm(message: Shown, action: string): Promise<boolean>;
  /** A question with several answers (buttons); undefined when dismissed. */
  choose(message: Shown, actions: string[]): Promise<string | undefined>;
  /** One line for the output channel. */
  log(line: Shown): void;
  progress(phase: Phase, message: Shown): void;
  isCancelled(): boolean;
  /** What in the text may lock the user out (server/src/features/lockout.ts); absent = no lockout gate. */
  lockout?(text: string, access: UploadAccess): LockoutRiskLike[];
  /**
   * The preview shown before applying (server/src/features/uploadPreview.ts): built from the router's
   * `/export` and `/user active`; absent = no preview (the lockout question is asked before connecting).
   */
  preview?(input: PreviewRequest): PreviewLike;
  /** Shows the preview document (read-only) before the question; it went through the Redactor. */
  showPreview?(document: Shown, title: Shown): void | Promise<void>;
  now?(): Date;
  /** REST tuning (tests). */
  pollIntervalMs?: number;
}

/** What the preview is built from (raw router text: the preview's document is redacted before showing). */
export interface PreviewRequest {
  exportText: string;
  script: string;
  activeText: string;
  user: string;
  service: 'ssh' | 'www-ssl' | 'www';
  profilePort: number;
  fileLabel: string;
  routerLabel: string;
  risks: LockoutRiskLike[];
}

/** The part of server/src/features/uploadPreview.ts's Preview the upload needs. */
export interface PreviewLike {
  verdict: 'keeps' | 'cut' | 'may-cut' | 'unknown';
  headline: string;
  document: string;
}

export interface UploadRequest {
  text: string;
  /** How the file is named in messages (workspace-relative path). */
  fileLabel: string;
  profile: RouterProfile;
  settings: UploadSettings;
  /** 'validate' never applies anything. */
  mode: 'apply' | 'validate';
}

/** What runUpload hands back; every text in it went through the Redactor. */
export interface UploadResult {
  outcome: Outcome;
  summary: Shown;
  problems: ShownProblem[];
  dryRun: 'passed' | 'failed' | 'unsupported' | 'skipped';
  version?: RouterVersion;
  /** Safe apply: when the router will restore the backup by itself (access proof failed or kept armed). */
  revertAt?: Date;
  /** Everything the router printed for the import(s). */
  routerOutput: Shown;
  /** The temporary file could not be removed (name), e.g. the connection was gone. */
  leftBehind?: Shown;
  /** Whether safe apply was used (from the settings, or chosen in the lockout question). */
  safeApplyMinutes: number;
}

/** The result before redaction; only `shownResult` turns it into an UploadResult. */
interface RawResult {
  outcome: Outcome;
  summary: string;
  problems: RouterProblem[];
  dryRun: UploadResult['dryRun'];
  version?: RouterVersion;
  revertAt?: Date;
  routerOutput: string;
  leftBehind?: string;
  safeApplyMinutes?: number;
}

/** The one place where a result becomes showable. */
function shownResult(r: RawResult, red: Redactor, safeApplyMinutes: number): UploadResult {
  return {
    outcome: r.outcome,
    summary: red.redact(r.summary),
    problems: r.problems.map((p) => ({ ...p, message: red.redact(p.message), raw: red.redact(p.raw) })),
    dryRun: r.dryRun,
    version: r.version ? { ...r.version, raw: red.redact(r.version.raw) } : undefined,
    revertAt: r.revertAt,
    routerOutput: red.redact(r.routerOutput),
    leftBehind: r.leftBehind === undefined ? undefined : red.redact(r.leftBehind),
    safeApplyMinutes,
  };
}

export const LOCKOUT_ACTION_ANYWAY = 'Apply anyway (I have other access)';
export const PREVIEW_ACTION_APPLY = 'Apply';
export const lockoutActionRevert = (minutes: number) => `Apply with automatic revert (${minutes} min)`;

export async function runUpload(req: UploadRequest, deps: UploadDeps): Promise<UploadResult> {
  const red = new Redactor();
  const log = (s: string) => deps.log(red.redact(s));
  const phase = (p: Phase, m: string) => {
    deps.progress(p, red.redact(m));
    log(`[${p}] ${m}`);
  };
  const ask = {
    confirm: (m: string, action: string) => deps.confirm(red.redact(m), action),
    choose: (m: string, actions: string[]) => deps.choose(red.redact(m), actions),
  };
  const now = () => (deps.now ? deps.now() : new Date());
  let safeApplyMinutes = req.settings.safeApplyMinutes;
  try {
    const raw = await run(req, deps, red, log, phase, ask, now, (m) => (safeApplyMinutes = m));
    return shownResult(raw, red, safeApplyMinutes);
  } catch (e) {
    const code = e instanceof UploadError ? e.code : 'protocol';
    const touched = e instanceof UploadError ? e.routerTouched : true;
    const failure = new UploadFailure(code, red.redact(e instanceof Error ? e.message : String(e)), touched);
    deps.log(red.redact(`error (${code}): ${failure.shown}`));
    throw failure;
  }
}

async function run(
  req: UploadRequest,
  deps: UploadDeps,
  red: Redactor,
  log: (s: string) => void,
  phase: (p: Phase, m: string) => void,
  ask: { confirm(m: string, action: string): Promise<boolean>; choose(m: string, actions: string[]): Promise<string | undefined> },
  now: () => Date,
  useSafeApply: (minutes: number) => void,
): Promise<RawResult> {
  const { text, mode } = req;
  let settings = req.settings;
  const profile = checkProfile(req.profile);
  /** Short console commands run a process on the router: their own deadline, longer than a file step's. */
  const SHORT_MS = 30_000;
  /** `/export` of a large configuration takes a while; REST requests end at the router's 60 s anyway. */
  const EXPORT_MS = 55_000;
  const cancelled = () => {
    if (deps.isCancelled()) throw new UploadError('cancelled', 'Cancelled before anything was applied; the router is unchanged.');
  };
  const access: UploadAccess = { transport: profile.transport, port: defaultPort(profile), user: profile.user, plainHttp: profile.transport === 'rest' && !!profile.restAllowHttp };

  // ---- check -------------------------------------------------------------------------------
  phase('check', `Checking ${req.fileLabel}`);
  const risks = deps.lockout ? deps.lockout(text, access) : [];
  const pre = preflight(text, profile, settings, risks);
  if (pre.nonAscii.length) {
    const msg = describeNonAscii(pre.nonAscii);
    log(`warning: ${msg}`);
    if (!(await ask.confirm(`${msg} Upload anyway?`, 'Upload anyway'))) {
      throw new UploadError('non-ascii', `Not uploaded: ${msg}`);
    }
  }
  /**
   * The question before applying: Apply with automatic revert / Apply anyway (or plain Apply when nothing
   * threatens access) / Cancel (dismissing it). Safe apply chosen here guards this one upload.
   */
  const askToApply = async (msg: string, danger: boolean, cancelText: string, cancelCode: 'lint-blocked' | 'cancelled' = 'lint-blocked') => {
    const armedAlready = settings.safeApplyMinutes > 0;
    const revert = lockoutActionRevert(armedAlready ? settings.safeApplyMinutes : OFFERED_SAFE_APPLY_MINUTES);
    const why = !danger
      ? ''
      : armedAlready
        ? ` Safe apply is on: the router restores its backup and reboots by itself ${settings.safeApplyMinutes} min after the import unless a fresh login to ${profile.name} works.`
        : ` Safe apply (off in settings) can guard this one upload: the router restores its backup and reboots by itself after ${OFFERED_SAFE_APPLY_MINUTES} min unless a fresh login to ${profile.name} works after the import.`;
    const actions = armedAlready ? [revert] : danger ? [revert, LOCKOUT_ACTION_ANYWAY] : [PREVIEW_ACTION_APPLY, revert];
    const answer = await ask.choose(`${msg}${why}`, actions);
    if (answer === undefined) throw new UploadError(cancelCode, cancelText);
    if (answer === revert && !armedAlready) {
      settings = { ...settings, safeApplyMinutes: OFFERED_SAFE_APPLY_MINUTES };
      useSafeApply(OFFERED_SAFE_APPLY_MINUTES);
      log(`safe apply chosen for this upload: automatic revert after ${OFFERED_SAFE_APPLY_MINUTES} min unless a fresh login works`);
    }
  };
  const lockoutQuestion = async () => {
    if (!pre.lockout.length) return;
    const msg = describeLockout(pre.lockout);
    log(`warning: ${msg}`);
    if (mode === 'apply') {
      await askToApply(`${msg} Apply it to ${profile.name}?`, true, `Not uploaded: ${msg} Fix these lines, or confirm to apply with the automatic revert or anyway.`);
    }
  };
  const previewing = mode === 'apply' && !!deps.preview;
  if (!previewing) await lockoutQuestion();
  cancelled();

  // ---- connect ------------------------------------------------------------------------------
  phase('connect', `Connecting to ${profile.name} (${profile.transport} ${profile.host})`);
  if (access.plainHttp) {
    // Asked on every run, before any password is read or typed: plain HTTP shows it to the whole path.
    const host = `${profile.host}:${access.port}`;
    const yes = await ask.confirm(
      `Router "${profile.name}" is set to plain HTTP (restAllowHttp): the password of "${profile.user}" would travel UNENCRYPTED to ${host}, readable by anyone on the way. Send it to ${host}?`,
      `Send password to ${host} over HTTP`,
    );
    if (!yes) throw new UploadError('insecure-http', `Not uploaded: the password was not sent to ${host} over plain HTTP. Use HTTPS (remove restAllowHttp) or SSH.`);
  }
  const creds = await deps.credentials.get(profile);
  if (!creds) throw new UploadError('cancelled', 'Cancelled: no password was entered; the router is unchanged.');
  red.add(creds.password, profile.user);
  red.add(creds.passphrase);
  if (red.hasShortSecret) {
    log(`note: the password is shorter than 8 characters, so output is masked only where it stands as a whole word (masking it inside other words would reveal it). Consider a longer password.`);
  }
  const connectOnce = () =>
    deps.connect({
      profile,
      credentials: creds,
      trust: deps.trust,
      prompt: deps.prompt,
      connectTimeoutMs: settings.connectTimeoutMs,
      requestLimitMs: settings.restRequestLimitMs,
      pollIntervalMs: deps.pollIntervalMs,
      stepTimeoutMs: settings.stepTimeoutMs,
      keepaliveIntervalMs: settings.keepaliveIntervalMs,
    });
  let session: RouterSession;
  try {
    session = await connectOnce();
  } catch (e) {
    if (e instanceof UploadError && e.code === 'auth-failed') {
      await deps.credentials.forget(profile);
      throw new UploadError('auth-failed', `${e.message} The stored password was removed; run the command again to enter it.`);
    }
    throw e;
  }
  await deps.credentials.remember(profile, creds);

  let uploaded: string | undefined;
  let output = '';
  let result: RawResult | undefined;
  try {
    result = await body();
    return result;
  } finally {
    if (uploaded) {
      deps.progress('clean up', red.redact(`Removing ${uploaded}`));
      const name = uploaded;
      try {
        // The transports bound each step; this bounds the whole cleanup whatever a transport does.
        await withDeadline(session.removeFile(name), settings.stepTimeoutMs * 2, () => new UploadError('timeout', `no answer within ${Math.round((settings.stepTimeoutMs * 2) / 1000)} s`, true));
        log(`[clean up] removed ${name}`);
      } catch (e) {
        if (result) result.leftBehind = name;
        log(`[clean up] could not remove ${name}: ${e instanceof Error ? e.message : String(e)} Remove it on the router: /file remove "${name}"`);
      }
    }
    try {
      session.close();
    } catch {
      // closing a dead session
    }
  }

  /**
   * Reads the router's `/export` and `/user active`, builds the preview, shows it and asks. Nothing is on
   * the router yet. When the router's configuration cannot be read, the script-only lockout question is
   * asked instead (and the log says why).
   */
  async function previewStep(version: RouterVersion | undefined): Promise<void> {
    phase('check', `Reading ${profile.name}'s configuration (/export, /user active) for the preview`);
    let exportText: string;
    let activeText: string;
    try {
      // v6 prints passwords in /export unless told not to; v7 hides them by default.
      exportText = await session.run(version && version.major < 7 ? '/export hide-sensitive' : '/export', { timeoutMs: Math.min(settings.importTimeoutMs, EXPORT_MS) });
      activeText = await session.run('/user active print terse', { timeoutMs: SHORT_MS });
    } catch (e) {
      if (e instanceof UploadError && e.code === 'connection-lost') throw e;
      log(`preview unavailable: the router's configuration could not be read (${e instanceof Error ? e.message : String(e)})`);
      return lockoutQuestion();
    }
    const refused = /^\s*(bad command name|syntax error|expected |failure:|not enough permissions|no such command)/i.exec(exportText);
    if (refused) {
      log(`preview unavailable: /export answered "${exportText.trim().split('\n')[0].slice(0, 120)}"`);
      return lockoutQuestion();
    }
    log(`read the router's configuration: /export ${exportText.split('\n').length} lines; /user active ${activeText.trim().split('\n').filter((l) => l.trim()).length} session(s)`);
    let pv: PreviewLike;
    try {
      pv = deps.preview!({
        exportText,
        script: text,
        activeText,
        user: profile.user,
        service: profile.transport === 'ssh' ? 'ssh' : profile.restAllowHttp ? 'www' : 'www-ssl',
        profilePort: access.port,
        fileLabel: req.fileLabel,
        routerLabel: profile.name,
        risks: pre.lockout,
      });
    } catch (e) {
      log(`preview failed (${e instanceof Error ? e.message : String(e)}); asking about the script alone`);
      return lockoutQuestion();
    }
    log(`preview: session ${pv.verdict}: ${pv.headline}`);
    await deps.showPreview?.(red.redact(pv.document), red.redact(`Preview: ${req.fileLabel} on ${profile.name}`));
    const danger = pv.verdict !== 'keeps' || pre.lockout.length > 0;
    await askToApply(
      pv.headline,
      danger,
      pv.verdict === 'cut' || pv.verdict === 'may-cut'
        ? `Not applied: ${pv.headline.replace(/ Apply it to .*\?$/, '')} Nothing was changed on ${profile.name}.`
        : `Not applied: cancelled in the preview. Nothing was changed on ${profile.name}.`,
      danger ? 'lint-blocked' : 'cancelled',
    );
  }

  async function body(): Promise<RawResult> {
    const sa = () => settings.safeApplyMinutes;
    const verOut = await session.run(':put [/system resource get version]', { timeoutMs: SHORT_MS });
    const version = parseVersion(verOut);
    log(`router version: ${version ? version.raw : `unknown (${verOut.trim().slice(0, 80)})`}`);
    cancelled();

    // ---- preview: the script on top of the router's configuration ------------------------------
    if (previewing) {
      await previewStep(version);
      cancelled();
    }

    // ---- upload -----------------------------------------------------------------------------
    const name = tempFileName(profile.defaultFileName ?? 'rsc-upload', now());
    phase('upload', `Uploading ${pre.bytes.length} bytes as ${name}`);
    uploaded = name;
    await session.putFile(name, pre.bytes);

    // ---- validate ---------------------------------------------------------------------------
    let dryRun: UploadResult['dryRun'] = 'skipped';
    const supported = supportsDryRun(version);
    if (supported === false) {
      dryRun = 'unsupported';
      log(`RouterOS ${version?.raw} has no "/import ... dry-run" (needs 7.16 or later): validated locally only.`);
    } else {
      phase('validate', 'Dry run on the router (nothing is applied)');
      const cmd = `/import file-name=${name} verbose=yes dry-run`;
      const out = await session.run(cmd, { timeoutMs: settings.importTimeoutMs, long: true });
      logRouter(log, out);
      output += out;
      if (dryRunRejected(out, cmd)) {
        dryRun = 'unsupported';
        log('The router does not know "dry-run" for /import: validated locally only.');
      } else {
        const c = classifyImport(out, text, 'dry-run', version);
        dryRun = c.outcome === 'validated' ? 'passed' : 'failed';
        if (c.outcome !== 'validated') {
          return { outcome: 'not-applied', summary: c.summary, problems: c.problems, dryRun, version, routerOutput: output, safeApplyMinutes: sa() };
        }
      }
    }
    if (mode === 'validate') {
      if (dryRun === 'passed') return { outcome: 'validated', summary: 'The router accepted the script in a dry run; nothing was applied.', problems: [], dryRun, version, routerOutput: output, safeApplyMinutes: sa() };
      throw new UploadError('router-error', `Cannot validate on ${profile.name}: RouterOS ${version?.raw ?? '(unknown version)'} has no dry-run import (needs 7.16 or later). Nothing was applied.`);
    }
    cancelled(); // the last point where cancelling is possible

    // ---- safe apply: arm ----------------------------------------------------------------------
    let armed: string | undefined;
    let revertAt: Date | undefined;
    if (sa() > 0) {
      armed = safeApplyName(name.replace(/\.rsc$/, '').replace(/^.*?-(\d{14}-[a-z0-9]+)$/, '$1'));
      phase('apply', `Arming automatic revert in ${sa()} min (backup ${armed}.backup)`);
      for (const c of armCommands(armed, sa())) logRouter(log, await session.run(c, { timeoutMs: SHORT_MS }));
      const check = await session.run(armCheckCommand(armed), { timeoutMs: SHORT_MS });
      if (!/\barmed\b/.test(check) || /not armed/.test(check)) {
        for (const c of disarmCommands(armed)) await session.run(c, { timeoutMs: SHORT_MS }).catch(() => undefined);
        throw new UploadError('router-error', `Could not arm the automatic revert on ${profile.name} (backup or scheduler entry missing: is there room for a backup file?). Nothing was applied.`);
      }
      revertAt = new Date(now().getTime() + sa() * 60_000);
    }

    // ---- apply ----------------------------------------------------------------------------------
    phase('apply', `Importing ${name} (this is not interrupted once started)`);
    let classification: Classification;
    try {
      const out = await session.run(`/import file-name=${name} verbose=yes`, { timeoutMs: settings.importTimeoutMs, long: true });
      logRouter(log, out);
      output += out;
      classification = classifyImport(out, text, 'import', version);
    } catch (e) {
      if (!(e instanceof UploadError)) throw e;
      const lost = e.code === 'connection-lost';
      classification = {
        outcome: 'unknown',
        summary: lost
          ? `The connection broke during the import: ${e.message} The router may have applied all, part or none of the script. Check the router before trying again.`
          : `The import was sent but its end was not seen (${e.message}). Check the router before trying again.`,
        problems: [],
      };
      log(classification.summary);
    }

    // ---- safe apply: verify + disarm ----------------------------------------------------------
    if (armed && revertAt) {
      phase('verify', 'Proving access with a fresh login');
      let alive = false;
      let fresh: RouterSession | undefined;
      try {
        fresh = await connectOnce();
        alive = (await fresh.run(ALIVE_COMMAND, { timeoutMs: SHORT_MS })).includes(ALIVE_ANSWER);
      } catch (e) {
        log(`fresh login failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        if (!alive || !fresh) {
          const when = revertAt.toLocaleTimeString();
          return {
            ...classification,
            summary: `${classification.summary} A fresh login to ${profile.name} FAILED after the import. Do nothing: the router restores the backup taken before the import and reboots by itself at about ${when} (${sa()} min after arming).`,
            dryRun,
            version,
            revertAt,
            routerOutput: output,
            safeApplyMinutes: sa(),
          };
        }
        let keep = classification.outcome === 'applied';
        if (!keep) {
          keep = await ask.confirm(
            `${classification.summary} Keep the router as it is now? Otherwise it restores the backup and reboots at about ${revertAt.toLocaleTimeString()}.`,
            'Keep and disarm',
          );
        }
        if (keep) {
          // Disarm over the fresh login: it is proven to work, the first connection may be gone.
          for (const c of disarmCommands(armed)) logRouter(log, await fresh.run(c, { timeoutMs: SHORT_MS }));
          log(`automatic revert disarmed (${armed})`);
          revertAt = undefined;
        } else {
          classification = { ...classification, summary: `${classification.summary} The automatic revert stays armed: the router restores the backup and reboots at about ${revertAt.toLocaleTimeString()}.` };
        }
      } finally {
        fresh?.close();
      }
    }
    return { ...classification, dryRun, version, revertAt, routerOutput: output, safeApplyMinutes: sa() };
  }
}

function logRouter(log: (s: string) => void, out: string): void {
  for (const l of out.replace(/\r/g, '').split('\n')) if (l.trim()) log(`router> ${l}`);
}
