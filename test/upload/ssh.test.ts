// Upload over SSH against a real OpenSSH server on 127.0.0.1 whose forced command plays RouterOS
// (test/fixtures/router). Skips, saying why, when sshd is not installed or we are not root.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runUpload, type UploadRequest } from '../../client/src/upload/orchestrate';
import { connectSsh } from '../../client/src/upload/ssh';
import { DEFAULT_SETTINGS, UploadError, type UploadSettings } from '../../client/src/upload/types';
import { freePort, sshdUnavailable, startFakeRouterSshd, type FakeRouterSshd } from '../fixtures/router/sshd';
import { makeDeps, profileFor } from './helpers';

const skip = sshdUnavailable();
if (skip) console.log(`# SKIP ssh upload tests: ${skip}`);

const settings: UploadSettings = { ...DEFAULT_SETTINGS, connectTimeoutMs: 5000, importTimeoutMs: 30_000 };

const good = [
  '# lab firewall',
  '/ip firewall filter',
  'add chain=input action=accept connection-state=established,related \\',
  '    comment="keep established"',
  'add chain=input action=accept protocol=tcp dst-port=22 src-address-list=secured',
  '/ip firewall address-list add list=secured address=10.0.0.2',
  '',
].join('\n');

describe('upload over SSH (real sshd, fake RouterOS)', { skip, concurrency: false }, () => {
  let srv: FakeRouterSshd;
  before(async () => {
    srv = await startFakeRouterSshd();
  });
  after(async () => {
    await srv?.stop();
  });
  beforeEach(() => {
    srv.reset();
    srv.setConfig({ version: '7.22.1 (stable)' });
  });

  const req = (text: string, extra: Partial<UploadRequest> = {}): UploadRequest => ({
    text,
    fileLabel: 'firewall.rsc',
    profile: profileFor(srv.port, srv.user),
    settings,
    mode: 'apply',
    ...extra,
  });

  it('applies a script: dry run, import, success marker, temp file removed, fingerprint asked once', async () => {
    const { deps, rec } = makeDeps(connectSsh, { password: srv.password });
    const res = await runUpload(req(good), deps);
    assert.equal(res.outcome, 'applied', res.summary);
    assert.equal(res.dryRun, 'passed');
    assert.equal(res.version?.raw, '7.22.1 (stable)');
    assert.equal(rec.fingerprintsShown.length, 1);
    assert.match(rec.fingerprintsShown[0], /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.deepEqual([...new Set(rec.phases)], ['check', 'connect', 'upload', 'validate', 'apply', 'clean up']);
    assert.equal(rec.remembered, 1);
    const st = srv.state();
    assert.equal(st.imports, 1);
    assert.equal(st.filterRules, 2);
    assert.deepEqual(st.addressList, ['secured|10.0.0.2']);
    assert.deepEqual(srv.files(), [], 'temporary file removed');
    const cmds = st.log.filter((c) => c.startsWith('/import'));
    assert.equal(cmds.length, 2);
    assert.match(cmds[0], /^\/import file-name=rsc-upload-\d{14}-[a-z0-9]{6}\.rsc verbose=yes dry-run$/);
    assert.ok(!/\.auto\.rsc/.test(cmds[0]));
    assert.ok(rec.logs.some((l) => l === 'router> Script file loaded and executed successfully'));

    // Second run: the pinned key is known, no question.
    const again = makeDeps(connectSsh, { password: srv.password }, { trust: rec.trust });
    srv.reset();
    assert.equal((await runUpload(req(good), again.deps)).outcome, 'applied');
    assert.equal(again.rec.fingerprintsShown.length, 0);
  });

  it('a syntax error is caught by the dry run, mapped to the file line (after a continuation) and nothing is applied', async () => {
    const bad = good.replace('add chain=input action=accept protocol=tcp', 'add chain=input action=accept protocol=tcp "unterminated');
    const { deps } = makeDeps(connectSsh, { password: srv.password });
    const res = await runUpload(req(bad), deps);
    assert.equal(res.outcome, 'not-applied');
    assert.equal(res.dryRun, 'failed');
    assert.equal(res.problems[0].kind, 'syntax');
    assert.equal(res.problems[0].line, 4, 'file line 5 (0-based 4), although the router counts it as line 4');
    assert.equal(srv.state().imports, 0);
    assert.deepEqual(srv.files(), []);
  });

  it('an unknown menu is a "bad command name" at its position', async () => {
    const { deps } = makeDeps(connectSsh, { password: srv.password });
    const res = await runUpload(req('/ip firewall fliter\nadd chain=input action=drop\n'), deps);
    assert.equal(res.outcome, 'not-applied');
    assert.match(res.problems[0].message, /^bad command name fliter/);
    assert.deepEqual([res.problems[0].line, res.problems[0].column], [0, 13]);
  });

  it('a run-time error applies what came before it: partly applied, mapped to the failing line', async () => {
    const text = [
      '/ip firewall address-list',
      'add list=secured address=10.0.0.2',
      'add list=secured address=10.0.0.3',
      '/ip firewall filter',
      'add chain=input action=accept protocol=tcp dst-port=22 \\',
      '    src-address-list=secured',
      'add chain=input action=dropp',
      'add chain=input action=drop',
    ].join('\n');
    const { deps } = makeDeps(connectSsh, { password: srv.password });
    const res = await runUpload(req(text), deps);
    assert.equal(res.outcome, 'partly-applied', res.summary);
    assert.equal(res.problems[0].message, 'input does not match any value of action');
    assert.equal(res.problems[0].line, 6);
    assert.match(res.summary, /lines 1-6 were applied/);
    const st = srv.state();
    assert.equal(st.applied.length, 3);
    assert.equal(st.filterRules, 1);
  });

  it('a failure with a router line number (duplicate entry) maps through continuation lines', async () => {
    const text = [
      '/ip firewall address-list add list=a \\',
      '    address=10.0.0.1',
      '/ip firewall address-list add list=a address=10.0.0.1',
    ].join('\n');
    const { deps } = makeDeps(connectSsh, { password: srv.password });
    const res = await runUpload(req(text), deps);
    assert.equal(res.outcome, 'partly-applied');
    assert.equal(res.problems[0].message, 'failure: already have such entry (line 2)');
    assert.equal(res.problems[0].line, 2, 'router line 2 = file line 3');
  });

  it('validate mode runs only the dry run', async () => {
    const { deps } = makeDeps(connectSsh, { password: srv.password });
    const res = await runUpload(req(good, { mode: 'validate' }), deps);
    assert.equal(res.outcome, 'validated');
    assert.equal(srv.state().imports, 0);
    assert.deepEqual(srv.files(), []);
  });

  it('a router without dry-run (7.15) is detected from its version: validate refuses, apply goes ahead', async () => {
    srv.setConfig({ version: '7.15.3 (stable)' });
    const v = makeDeps(connectSsh, { password: srv.password });
    await assert.rejects(runUpload(req(good, { mode: 'validate' }), v.deps), (e: UploadError) => e.code === 'router-error' && /7\.16/.test(e.message));
    const a = makeDeps(connectSsh, { password: srv.password }, { trust: v.rec.trust });
    const res = await runUpload(req(good), a.deps);
    assert.equal(res.dryRun, 'unsupported');
    assert.equal(res.outcome, 'applied');
    assert.ok(!srv.state().log.some((c) => c.includes('dry-run')));
  });

  it('cancelling before apply leaves the router unchanged and removes the file', async () => {
    const { deps } = makeDeps(connectSsh, { password: srv.password, cancelAt: 'validate' });
    await assert.rejects(runUpload(req(good), deps), (e: UploadError) => e.code === 'cancelled');
    assert.equal(srv.state().imports, 0);
    assert.deepEqual(srv.files(), []);
  });

  it('refuses a host key the user does not confirm', async () => {
    const { deps, rec } = makeDeps(connectSsh, { password: srv.password, trustFingerprint: false });
    await assert.rejects(runUpload(req(good), deps), (e: UploadError) => e.code === 'host-key-rejected');
    assert.equal(rec.trust.size, 0);
    assert.equal(srv.state().log.length, 0);
  });

  it('a changed host key blocks the upload and names the command to forget the old key', async () => {
    const first = makeDeps(connectSsh, { password: srv.password });
    await runUpload(req(good, { mode: 'validate' }), first.deps);
    const old = [...first.rec.trust.values()][0];
    await srv.newHostKey();
    srv.reset();
    const second = makeDeps(connectSsh, { password: srv.password }, { trust: first.rec.trust });
    await assert.rejects(runUpload(req(good), second.deps), (e: UploadError) => {
      assert.equal(e.code, 'host-key-changed');
      assert.ok(e.message.includes(old));
      assert.match(e.message, /routeros\.forgetHostKey/);
      return true;
    });
    assert.equal(second.rec.fingerprintsShown.length, 0, 'no silent re-trust');
    assert.equal(srv.state().log.length, 0, 'not a single command reached the router');
  });

  it('a wrong password is rejected, forgotten, and never shown', async () => {
    const wrong = 'Wr0ng-Secret-' + Date.now();
    const { deps, rec } = makeDeps(connectSsh, { password: wrong });
    await assert.rejects(runUpload(req(good), deps), (e: UploadError) => {
      assert.equal(e.code, 'auth-failed');
      assert.match(e.message, /rejected the login of user "rscupload"/);
      assert.ok(!e.message.includes(wrong));
      return true;
    });
    assert.equal(rec.forgotten, 1);
    assert.equal(rec.remembered, 0);
    assert.ok(!rec.logs.join('\n').includes(wrong));
  });

  it('a port nobody listens on: connection refused', async () => {
    const port = await freePort();
    const { deps } = makeDeps(connectSsh, { password: 'x' });
    await assert.rejects(runUpload({ ...req(good), profile: profileFor(port, 'rscupload') }, deps), (e: UploadError) => e.code === 'refused' && /refused/.test(e.message));
  });

  it('a server that never speaks SSH times out on the handshake', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const { deps } = makeDeps(connectSsh, { password: 'x' });
    const t0 = Date.now();
    try {
      await assert.rejects(
        runUpload({ ...req(good), profile: profileFor(port, 'rscupload'), settings: { ...settings, connectTimeoutMs: 800 } }, deps),
        (e: UploadError) => e.code === 'timeout',
      );
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      silent.close();
    }
  });

  it('safe apply: arms a backup + scheduler, proves a fresh login, disarms', async () => {
    const { deps, rec } = makeDeps(connectSsh, { password: srv.password });
    const res = await runUpload(req(good, { settings: { ...settings, safeApplyMinutes: 3 } }), deps);
    assert.equal(res.outcome, 'applied');
    assert.equal(res.revertAt, undefined);
    assert.ok(rec.phases.includes('verify'));
    const st = srv.state();
    assert.ok(st.log.some((c) => /^\/system backup save name="rsc-safe-/.test(c)));
    assert.ok(st.log.some((c) => /^\/system scheduler add name="rsc-safe-[^"]+" interval=3m /.test(c)));
    assert.deepEqual(st.scheduler, [], 'disarmed');
    assert.deepEqual(srv.files(), [], 'backup and script removed');
  });

  it('safe apply: when the fresh login fails the revert stays armed and the user is told when', async () => {
    const lockout = good + '/ip service set ssh disabled=yes\n';
    const { deps } = makeDeps(connectSsh, { password: srv.password });
    const t0 = Date.now();
    const res = await runUpload(req(lockout, { settings: { ...settings, safeApplyMinutes: 5 } }), deps);
    assert.equal(res.outcome, 'applied');
    assert.ok(res.revertAt);
    const minutes = (res.revertAt.getTime() - t0) / 60_000;
    assert.ok(minutes > 4.9 && minutes < 5.2, String(minutes));
    assert.match(res.summary, /fresh login .* FAILED/);
    assert.match(res.summary, /restores the backup .* by itself at about/);
    const st = srv.state();
    assert.equal(st.scheduler.length, 1, 'still armed');
    assert.match(st.scheduler[0].onEvent, /\/system backup load name="rsc-safe-[^"]+\.backup"/);
  });
});
