// The upload, step by step: check -> connect -> upload -> validate (dry run) -> [arm revert] -> apply
// -> [prove access, disarm] -> clean up. Pure Node: the editor supplies prompts, secrets, trust store,
// progress and the log through UploadDeps (client/src/upload/command.ts), tests supply scripted ones.
//
// Guarantees:
// - Nothing changes on the router before the last cancellation point (just before arming/applying);
//   once the import started it is never interrupted.
// - The temporary file is removed whatever happens after it was stored (best effort if the connection
//   is gone; the log says so).
// - Every message and log line passes through the Redactor: no password or passphrase is ever shown.

import { Redactor } from './redact';
import { classifyImport, dryRunRejected, parseVersion, supportsDryRun, type Classification } from './routerOutput';
import { LOCKOUT_RULES, checkProfile, describeLockout, describeNonAscii, preflight, tempFileName, type LintFindingLike } from './preflight';
import { ALIVE_ANSWER, ALIVE_COMMAND, armCheckCommand, armCommands, disarmCommands, safeApplyName } from './safeApply';
import type { Connector, Credentials, RouterSession, TrustPrompt, TrustStore } from './transport';
import { type Outcome, type Phase, type RouterProblem, type RouterProfile, type RouterVersion, type UploadSettings, UploadError } from './types';

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
  confirm(message: string, action: string): Promise<boolean>;
  /** One line for the output channel (already redacted when it arrives here? no: redacted by us). */
  log(line: string): void;
  progress(phase: Phase, message: string): void;
  isCancelled(): boolean;
  /** Lint findings for the text (server/src/lint.ts); absent = no lint gate. */
  lint?(text: string): LintFindingLike[];
  now?(): Date;
  /** REST tuning (tests). */
  pollIntervalMs?: number;
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

export interface UploadResult {
  outcome: Outcome;
  summary: string;
  problems: RouterProblem[];
  dryRun: 'passed' | 'failed' | 'unsupported' | 'skipped';
  version?: RouterVersion;
  /** Safe apply: when the router will restore the backup by itself (access proof failed or kept armed). */
  revertAt?: Date;
  /** Everything the router printed for the import(s). */
  routerOutput: string;
  /** The temporary file could not be removed (name), e.g. the connection was gone. */
  leftBehind?: string;
}

const SHORT_MS = 30_000;

export async function runUpload(req: UploadRequest, deps: UploadDeps): Promise<UploadResult> {
  const red = new Redactor();
  const log = (s: string) => deps.log(red.redact(s));
  const phase = (p: Phase, m: string) => {
    deps.progress(p, red.redact(m));
    log(`[${p}] ${m}`);
  };
  const now = () => (deps.now ? deps.now() : new Date());
  try {
    return await run(req, deps, red, log, phase, now);
  } catch (e) {
    if (e instanceof UploadError) {
      const safe = new UploadError(e.code, red.redact(e.message), e.routerTouched);
      log(`error (${safe.code}): ${safe.message}`);
      throw safe;
    }
    const msg = red.redact(e instanceof Error ? e.message : String(e));
    log(`error: ${msg}`);
    throw new UploadError('protocol', msg, true);
  }
}

async function run(
  req: UploadRequest,
  deps: UploadDeps,
  red: Redactor,
  log: (s: string) => void,
  phase: (p: Phase, m: string) => void,
  now: () => Date,
): Promise<UploadResult> {
  const { text, settings, mode } = req;
  const profile = checkProfile(req.profile);
  const cancelled = () => {
    if (deps.isCancelled()) throw new UploadError('cancelled', 'Cancelled before anything was applied; the router is unchanged.');
  };

  // ---- check -------------------------------------------------------------------------------
  phase('check', `Checking ${req.fileLabel}`);
  const findings = deps.lint ? deps.lint(text) : [];
  const pre = preflight(text, profile, settings, findings);
  if (pre.nonAscii.length) {
    const msg = describeNonAscii(pre.nonAscii);
    log(`warning: ${msg}`);
    if (!(await deps.confirm(`${msg} Upload anyway?`, 'Upload anyway'))) {
      throw new UploadError('non-ascii', `Not uploaded: ${msg}`);
    }
  }
  if (pre.lockout.length) {
    const msg = describeLockout(pre.lockout);
    log(`warning: ${msg}`);
    if (mode === 'apply' && !(await deps.confirm(`${msg} Apply it to ${profile.name} anyway?`, 'Apply anyway (I have other access)'))) {
      throw new UploadError('lint-blocked', `Not uploaded: ${msg} Fix the findings (rules ${LOCKOUT_RULES.join(', ')}) or confirm to apply anyway.`);
    }
  }
  cancelled();

  // ---- connect ------------------------------------------------------------------------------
  phase('connect', `Connecting to ${profile.name} (${profile.transport} ${profile.host})`);
  const creds = await deps.credentials.get(profile);
  if (!creds) throw new UploadError('cancelled', 'Cancelled: no password was entered; the router is unchanged.');
  red.add(creds.password, profile.user);
  red.add(creds.passphrase);
  const connectOnce = () =>
    deps.connect({
      profile,
      credentials: creds,
      trust: deps.trust,
      prompt: deps.prompt,
      connectTimeoutMs: settings.connectTimeoutMs,
      requestLimitMs: settings.restRequestLimitMs,
      pollIntervalMs: deps.pollIntervalMs,
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
  let result: UploadResult | undefined;
  try {
    result = await body();
    return result;
  } finally {
    if (uploaded) {
      deps.progress('clean up', red.redact(`Removing ${uploaded}`));
      try {
        await session.removeFile(uploaded);
        log(`[clean up] removed ${uploaded}`);
      } catch (e) {
        if (result) result.leftBehind = uploaded;
        log(`[clean up] could not remove ${uploaded}: ${e instanceof Error ? e.message : String(e)}. Remove it on the router: /file remove "${uploaded}"`);
      }
    }
    session.close();
  }

  async function body(): Promise<UploadResult> {
    const verOut = await session.run(':put [/system resource get version]', { timeoutMs: SHORT_MS });
    const version = parseVersion(verOut);
    log(`router version: ${version ? version.raw : `unknown (${verOut.trim().slice(0, 80)})`}`);
    cancelled();

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
          return { outcome: 'not-applied', summary: c.summary, problems: c.problems, dryRun, version, routerOutput: output };
        }
      }
    }
    if (mode === 'validate') {
      if (dryRun === 'passed') return { outcome: 'validated', summary: 'The router accepted the script in a dry run; nothing was applied.', problems: [], dryRun, version, routerOutput: output };
      throw new UploadError('router-error', `Cannot validate on ${profile.name}: RouterOS ${version?.raw ?? '(unknown version)'} has no dry-run import (needs 7.16 or later). Nothing was applied.`);
    }
    cancelled(); // the last point where cancelling is possible

    // ---- safe apply: arm ----------------------------------------------------------------------
    let armed: string | undefined;
    let revertAt: Date | undefined;
    if (settings.safeApplyMinutes > 0) {
      armed = safeApplyName(name.replace(/\.rsc$/, '').replace(/^.*?-(\d{14}-[a-z0-9]+)$/, '$1'));
      phase('apply', `Arming automatic revert in ${settings.safeApplyMinutes} min (backup ${armed}.backup)`);
      for (const c of armCommands(armed, settings.safeApplyMinutes)) logRouter(log, await session.run(c, { timeoutMs: SHORT_MS }));
      const check = await session.run(armCheckCommand(armed), { timeoutMs: SHORT_MS });
      if (!/\barmed\b/.test(check) || /not armed/.test(check)) {
        for (const c of disarmCommands(armed)) await session.run(c, { timeoutMs: SHORT_MS }).catch(() => undefined);
        throw new UploadError('router-error', `Could not arm the automatic revert on ${profile.name} (backup or scheduler entry missing: is there room for a backup file?). Nothing was applied.`);
      }
      revertAt = new Date(now().getTime() + settings.safeApplyMinutes * 60_000);
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
      classification = { outcome: 'unknown', summary: `The import was sent but its end was not seen (${e.message}). Check the router before trying again.`, problems: [] };
      log(classification.summary);
    }

    // ---- safe apply: verify + disarm ----------------------------------------------------------
    if (armed && revertAt) {
      phase('verify', 'Proving access with a fresh login');
      let alive = false;
      try {
        const fresh = await connectOnce();
        try {
          alive = (await fresh.run(ALIVE_COMMAND, { timeoutMs: SHORT_MS })).includes(ALIVE_ANSWER);
        } finally {
          fresh.close();
        }
      } catch (e) {
        log(`fresh login failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!alive) {
        const when = revertAt.toLocaleTimeString();
        return {
          ...classification,
          summary: `${classification.summary} A fresh login to ${profile.name} FAILED after the import. Do nothing: the router restores the backup taken before the import and reboots by itself at about ${when} (${settings.safeApplyMinutes} min after arming).`,
          dryRun,
          version,
          revertAt,
          routerOutput: output,
        };
      }
      let keep = classification.outcome === 'applied';
      if (!keep) {
        keep = await deps.confirm(
          `${classification.summary} Keep the router as it is now? Otherwise it restores the backup and reboots at about ${revertAt.toLocaleTimeString()}.`,
          'Keep and disarm',
        );
      }
      if (keep) {
        for (const c of disarmCommands(armed)) logRouter(log, await session.run(c, { timeoutMs: SHORT_MS }));
        log(`automatic revert disarmed (${armed})`);
        revertAt = undefined;
      } else {
        classification = { ...classification, summary: `${classification.summary} The automatic revert stays armed: the router restores the backup and reboots at about ${revertAt.toLocaleTimeString()}.` };
      }
    }
    return { ...classification, dryRun, version, revertAt, routerOutput: output };
  }
}

function logRouter(log: (s: string) => void, out: string): void {
  for (const l of out.replace(/\r/g, '').split('\n')) if (l.trim()) log(`router> ${l}`);
}
