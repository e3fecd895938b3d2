// The upload preview against the local fake routers (real sshd + fake RouterOS, and the REST fake): the
// router answers /export and /user active, the preview (server/src/features/uploadPreview.ts) judges the
// upload's own session on the router's configuration plus the script, and the question offers Apply /
// Apply with automatic revert / Cancel before anything is stored on the router.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buildPreview } from '../../server/src/features/uploadPreview';
import { lockoutRisks } from '../../server/src/features/lockout';
import { lint } from '../../server/src/lint';
import { LOCKOUT_ACTION_ANYWAY, PREVIEW_ACTION_APPLY, lockoutActionRevert, runUpload, type UploadDeps, type UploadRequest } from '../../client/src/upload/orchestrate';
import { connectRest } from '../../client/src/upload/rest';
import { connectSsh } from '../../client/src/upload/ssh';
import { DEFAULT_SETTINGS, OFFERED_SAFE_APPLY_MINUTES, UploadFailure, type UploadSettings } from '../../client/src/upload/types';
import { FAKE_EXPORT } from '../fixtures/router/fake-router';
import { openSslUnavailable, startFakeRest, type FakeRest } from '../fixtures/router/fake-rest';
import { sshdUnavailable, startFakeRouterSshd, type FakeRouterSshd } from '../fixtures/router/sshd';
import { makeDeps, profileFor, type ScriptedUi } from './helpers';

const settings: UploadSettings = { ...DEFAULT_SETTINGS, connectTimeoutMs: 5000, importTimeoutMs: 30_000 };
const REVERT = lockoutActionRevert(OFFERED_SAFE_APPLY_MINUTES);

const forwardOnly = '/ip firewall filter add chain=forward action=drop protocol=tcp dst-port=445\n';
const dropAll = '# lock everything down\n/ip firewall filter add chain=input action=drop place-before=0\n';

function withPreview(connect: Parameters<typeof makeDeps>[0], ui: ScriptedUi) {
  const { deps, rec } = makeDeps(connect, ui);
  const shown: Array<{ title: string; doc: string }> = [];
  const d: UploadDeps = {
    ...deps,
    lockout: (t, access) => lockoutRisks(lint(t), access),
    preview: (input) => buildPreview(input),
    showPreview: (doc, title) => void shown.push({ title, doc }),
  };
  return { deps: d, rec, shown };
}

const sshSkip = sshdUnavailable();
if (sshSkip) console.log(`# SKIP ssh preview tests: ${sshSkip}`);

describe('upload preview over SSH (real sshd, fake RouterOS answering /export and /user active)', { skip: sshSkip, concurrency: false }, () => {
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
  const req = (text: string): UploadRequest => ({ text, fileLabel: 'fw.rsc', profile: profileFor(srv.port, srv.user), settings, mode: 'apply' });

  it('keeps access: the preview shows the session verdict, the question offers Apply first, then it applies', async () => {
    const { deps, rec, shown } = withPreview(connectSsh, { password: srv.password, choose: (_m, a) => a[0] });
    const res = await runUpload(req(forwardOnly), deps);
    assert.equal(res.outcome, 'applied', res.summary);
    assert.deepEqual(rec.choices, [[PREVIEW_ACTION_APPLY, REVERT]]);
    assert.match(rec.confirms[0], /keeps this upload's ssh session from 127\.0\.0\.1 to port \d+/);
    assert.equal(shown.length, 1);
    assert.match(shown[0].doc, /## This upload's session: keeps access/);
    assert.match(shown[0].doc, /\| 127\.0\.0\.1 \| lo \| accepted → accepted \| accepted → accepted \|/);
    const log = srv.state().log;
    // read before anything is stored: /export and /user active come before the dry run
    assert.ok(log.indexOf('/export') >= 0 && log.indexOf('/user active print terse') > log.indexOf('/export'));
    assert.ok(log.findIndex((c) => c.startsWith('/import')) > log.indexOf('/user active print terse'));
    assert.equal(res.safeApplyMinutes, 0);
  });

  it('a drop-all before every rule: the question names the line, offers automatic revert; Cancel leaves the router untouched', async () => {
    const { deps, rec, shown } = withPreview(connectSsh, { password: srv.password, choose: () => undefined });
    await assert.rejects(runUpload(req(dropAll), deps), (e: unknown) => {
      assert.ok(e instanceof UploadFailure);
      assert.equal(e.code, 'lint-blocked');
      assert.match(e.shown, /cuts off this upload's ssh session/);
      return true;
    });
    assert.deepEqual(rec.choices, [[REVERT, LOCKOUT_ACTION_ANYWAY]]);
    assert.match(rec.confirms[0], /The script cuts off this upload's ssh session from 127\.0\.0\.1 to port \d+: line 2 of fw\.rsc \(\/ip firewall filter add chain=input action=drop place-before=0\) drops the session and new logins/);
    assert.match(shown[0].doc, /## This upload's session: CUT OFF/);
    assert.match(shown[0].doc, /## Lockout risks in the script/);
    assert.equal(srv.state().imports, 0);
    assert.deepEqual(srv.files(), []);
  });

  it('choosing automatic revert in the preview arms safe apply for this upload', async () => {
    const { deps, rec } = withPreview(connectSsh, { password: srv.password, choose: (_m, a) => a.find((x) => x === REVERT) });
    const res = await runUpload(req(dropAll), deps);
    assert.equal(res.outcome, 'applied', res.summary);
    assert.equal(res.safeApplyMinutes, OFFERED_SAFE_APPLY_MINUTES);
    assert.ok(rec.phases.includes('verify'));
    assert.ok(srv.state().log.some((c) => c.startsWith('/system backup save')));
  });

  it('the router\'s rule that cuts the session: removing its accept-established (export + script as one model)', async () => {
    srv.setConfig({ version: '7.22.1 (stable)', export: FAKE_EXPORT.replace('add action=accept chain=input comment="accept management from LAN" in-interface-list=LAN', 'add action=accept chain=input comment="new management from LAN" connection-state=new in-interface-list=LAN') });
    const { deps, rec } = withPreview(connectSsh, { password: srv.password, choose: () => undefined });
    await assert.rejects(runUpload(req('/ip firewall filter remove [find comment="accept established"]\n'), deps), UploadFailure);
    assert.match(rec.confirms[0], /cuts off .*: the router's rule \/ip firewall filter add action=drop chain=input comment="drop the rest" \(line \d+ of its export\) drops the established session/);
  });

  it('router text in the preview goes through the redactor (a password in the export is masked)', async () => {
    const leaky = FAKE_EXPORT.replace('comment="drop the rest"', `comment="drop ${srv.password}"`).replace('add action=accept chain=input comment="accept established" connection-state=established,related\n', '');
    srv.setConfig({ version: '7.22.1 (stable)', export: leaky });
    const { deps, rec, shown } = withPreview(connectSsh, { password: srv.password, choose: () => undefined });
    await assert.rejects(runUpload(req('/ip firewall filter remove [find comment="accept management from LAN"]\n'), deps), UploadFailure);
    // the router's rule that cuts the session is named in the document and the question, its secret masked
    assert.ok(shown[0].doc.includes('comment="drop •••"'), shown[0].doc);
    assert.ok(rec.confirms[0].includes('comment="drop •••"'), rec.confirms[0]);
    for (const t of [shown[0].doc, shown[0].title, ...rec.confirms, ...rec.logs]) assert.ok(!t.includes(srv.password), `leaked in: ${t.slice(0, 200)}`);
  });

  it('a router that refuses /export: no preview, the script-only lockout question instead (said in the log)', async () => {
    srv.setConfig({ version: '7.22.1 (stable)', exportError: 'not enough permissions (9)' });
    const { deps, rec, shown } = withPreview(connectSsh, { password: srv.password, choose: () => undefined });
    await assert.rejects(runUpload(req(dropAll), deps), UploadFailure);
    assert.equal(shown.length, 0);
    assert.ok(rec.logs.some((l) => /preview unavailable: \/export answered "not enough permissions/.test(l)));
    assert.match(rec.confirms[0], /may lock you out/);
    assert.equal(srv.state().imports, 0);
  });

  it('validate (dry run) shows no preview', async () => {
    const { deps, shown } = withPreview(connectSsh, { password: srv.password });
    const res = await runUpload({ ...req(forwardOnly), mode: 'validate' }, deps);
    assert.equal(res.outcome, 'validated');
    assert.equal(shown.length, 0);
    assert.ok(!srv.state().log.includes('/export'));
  });
});

const restSkip = openSslUnavailable();
describe('upload preview over REST (local HTTPS fake)', { skip: restSkip, concurrency: false }, () => {
  let srv: FakeRest;
  before(async () => {
    srv = await startFakeRest({ requestLimitMs: 5000 });
  });
  after(async () => {
    await srv?.stop();
  });
  beforeEach(() => srv.reset());
  const req = (text: string): UploadRequest => ({ text, fileLabel: 'fw.rsc', profile: profileFor(srv.port, srv.user, 'rest'), settings: { ...settings, restRequestLimitMs: 5000 }, mode: 'apply' });

  it('reads /export and /user active through /rest/execute; the session is the www-ssl one', async () => {
    const { deps, rec, shown } = withPreview(connectRest, { password: srv.password, choose: (_m, a) => a[0] });
    const res = await runUpload(req(forwardOnly), deps);
    assert.equal(res.outcome, 'applied', res.summary);
    assert.match(rec.confirms[0], /keeps this upload's www-ssl session from 127\.0\.0\.1 to port \d+/);
    assert.match(shown[0].doc, /keeps access/);
  });

  it('a drop of the HTTPS port cuts it', async () => {
    const { deps, rec } = withPreview(connectRest, { password: srv.password, choose: () => undefined });
    await assert.rejects(runUpload(req(`/ip firewall filter add chain=input action=drop protocol=tcp dst-port=${srv.port} place-before=0\n`), deps), UploadFailure);
    assert.match(rec.confirms[0], /cuts off this upload's www-ssl session/);
    assert.deepEqual(rec.choices, [[REVERT, LOCKOUT_ACTION_ANYWAY]]);
  });
});
