// Fault injection against the real OpenSSH server of the SSH tests (127.0.0.1 only): the session killed
// during the import, a link that drops every packet (a proxy on 127.0.0.1), a stalled SFTP server, a
// user slower than the connect timeout, a connection that dies while the host key question is open.
// Every case must END (a hang fails through the test's timeout), say what happened, and leave the next
// upload working.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runUpload, type UploadRequest } from '../../client/src/upload/orchestrate';
import { connectSsh } from '../../client/src/upload/ssh';
import { DEFAULT_SETTINGS, type UploadError, type UploadSettings } from '../../client/src/upload/types';
import { sshdUnavailable, startFakeRouterSshd, type FakeRouterSshd } from '../fixtures/router/sshd';
import { makeDeps, profileFor } from './helpers';
import { startProxy, type FaultProxy } from './proxy';

const skip = sshdUnavailable();
if (skip) console.log(`# SKIP ssh fault tests: ${skip}`);

const settings: UploadSettings = { ...DEFAULT_SETTINGS, connectTimeoutMs: 5000, importTimeoutMs: 30_000, stepTimeoutMs: 3000, keepaliveIntervalMs: 300 };
const script = '/ip firewall filter\nadd chain=input action=accept connection-state=established,related\n/ip firewall address-list add list=secured address=10.0.0.2\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A hang fails the test instead of stopping the run. */
const T = { timeout: 60_000 };

describe('upload over SSH: faults end the operation, and the next upload works', { skip, concurrency: false }, () => {
  let srv: FakeRouterSshd;
  let proxy: FaultProxy | undefined;
  before(async () => {
    srv = await startFakeRouterSshd();
  });
  after(async () => {
    await proxy?.close();
    await srv?.stop();
  });
  beforeEach(async () => {
    await proxy?.close();
    proxy = undefined;
    srv.stallSftp(false);
    srv.reset();
    srv.setConfig({ version: '7.22.1 (stable)' });
  });

  const req = (port: number, extra: Partial<UploadRequest> = {}): UploadRequest => ({
    text: script,
    fileLabel: 'fw.rsc',
    profile: profileFor(port, srv.user),
    settings,
    mode: 'apply',
    ...extra,
  });

  const nextUploadWorks = async () => {
    // The router side of a dead link lives on (as on a real router until its own timeout): end it, so
    // its late writes do not land in the next upload's state.
    await proxy?.close();
    proxy = undefined;
    srv.killSessions();
    await sleep(300);
    srv.setConfig({ version: '7.22.1 (stable)' });
    srv.reset();
    const { deps } = makeDeps(connectSsh, { password: srv.password });
    const res = await runUpload(req(srv.port), deps);
    assert.equal(res.outcome, 'applied', res.summary);
    assert.deepEqual(srv.files(), []);
  };

  it('the session is killed during the import: outcome unknown, it says so, cleanup does not hang', T, async () => {
    srv.setConfig({ version: '7.22.1 (stable)', importDelayMs: 2500 });
    let killed = 0;
    const { deps, rec } = makeDeps(connectSsh, {
      password: srv.password,
      onPhase: (p) => {
        if (p === 'apply') void sleep(700).then(() => (killed = srv.killSessions()));
      },
    });
    const res = await runUpload(req(srv.port), deps);
    assert.ok(killed > 0, 'the fault was injected');
    assert.equal(res.outcome, 'unknown');
    assert.match(res.summary, /connection broke during the import: The connection to 127\.0\.0\.1:\d+ was lost/);
    assert.match(res.summary, /Check the router before trying again/);
    assert.match(res.leftBehind ?? '', /^rsc-upload-\d{14}-[a-z0-9]{6}\.rsc$/);
    assert.ok(rec.logs.some((l) => l.includes(`/file remove "${res.leftBehind}"`)));
    await nextUploadWorks();
  });

  it('the link drops every packet during the import: keepalive finds it dead and the upload ends', T, async () => {
    proxy = await startProxy(srv.port);
    srv.setConfig({ version: '7.22.1 (stable)', importDelayMs: 3000 });
    const p = proxy;
    const { deps, rec } = makeDeps(connectSsh, { password: srv.password, onPhase: (ph) => ph === 'apply' && void sleep(300).then(() => p.blackhole()) });
    const res = await runUpload(req(proxy.port), deps);
    assert.equal(res.outcome, 'unknown');
    assert.match(res.summary, /The link to 127\.0\.0\.1:\d+ is dead: it answered none of 3 keepalives/);
    assert.ok(res.leftBehind, 'the file could not be removed over a dead link');
    assert.ok(rec.logs.some((l) => /\[clean up\] could not remove/.test(l)));
    await nextUploadWorks();
  });

  it('without keepalive, every step still has a deadline: the import times out, cleanup gives up in time', T, async () => {
    proxy = await startProxy(srv.port);
    srv.setConfig({ version: '7.22.1 (stable)', importDelayMs: 8000 });
    const p = proxy;
    const { deps } = makeDeps(connectSsh, { password: srv.password, onPhase: (ph) => ph === 'apply' && void sleep(300).then(() => p.blackhole()) });
    const res = await runUpload(req(proxy.port, { settings: { ...settings, keepaliveIntervalMs: 0, importTimeoutMs: 4000, stepTimeoutMs: 1000 } }), deps);
    assert.equal(res.outcome, 'unknown');
    assert.match(res.summary, /did not finish within 4 s/);
    assert.ok(res.leftBehind);
    await nextUploadWorks();
  });

  it('a stalled SFTP server: the upload stops at its deadline before anything is applied', T, async () => {
    srv.stallSftp(true);
    const { deps } = makeDeps(connectSsh, { password: srv.password });
    await assert.rejects(runUpload(req(srv.port, { settings: { ...settings, stepTimeoutMs: 1000 } }), deps), (e: UploadError) => {
      assert.equal(e.code, 'timeout');
      assert.match(e.message, /did not start SFTP within 1 s/);
      return true;
    });
    assert.equal(srv.state().imports, 0);
    srv.stallSftp(false);
    await nextUploadWorks();
  });

  it('the user takes longer over the fingerprint than the connect timeout: not timed, pinned after the handshake', T, async () => {
    const { deps, rec } = makeDeps(connectSsh, { password: srv.password, fingerprintDelayMs: 4000 });
    const res = await runUpload(req(srv.port, { settings: { ...settings, connectTimeoutMs: 2000 } }), deps);
    assert.equal(res.outcome, 'applied', res.summary);
    assert.equal(rec.trust.size, 1);
  });

  it('the connection dies while the fingerprint question is open: nothing is pinned', T, async () => {
    proxy = await startProxy(srv.port);
    const p = proxy;
    const { deps, rec } = makeDeps(connectSsh, { password: srv.password, whileAsking: async () => {
      p.cut();
      await sleep(300);
    } });
    await assert.rejects(runUpload(req(proxy.port), deps), (e: UploadError) => {
      assert.match(e.message, /closed the connection while the host key question was open; nothing was pinned|closed by the other side|was lost|closed before login/);
      return true;
    });
    assert.equal(rec.fingerprintsShown.length, 1);
    await sleep(800); // the question is answered ("trust") after the connection died
    assert.equal(rec.trust.size, 0, 'a key the user confirmed on a connection that then died is not pinned');
  });
});
