// Upload over the RouterOS REST API against a local HTTPS server with a self-signed certificate made
// at test time (test/fixtures/router/fake-rest.ts). Skips when the openssl CLI is missing.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runUpload, type UploadRequest } from '../../client/src/upload/orchestrate';
import { connectRest } from '../../client/src/upload/rest';
import { DEFAULT_SETTINGS, UploadError, type UploadSettings } from '../../client/src/upload/types';
import { openSslUnavailable, startFakeRest, type FakeRest } from '../fixtures/router/fake-rest';
import { makeDeps, profileFor } from './helpers';

const skip = openSslUnavailable();
if (skip) console.log(`# SKIP REST upload tests: ${skip}`);

const LIMIT = 1500;
const settings: UploadSettings = { ...DEFAULT_SETTINGS, connectTimeoutMs: 3000, importTimeoutMs: 20_000, restRequestLimitMs: LIMIT };

const good = '/ip firewall filter\nadd chain=input action=accept connection-state=established\n/ip firewall address-list add list=secured address=10.0.0.2\n';

describe('upload over REST (local HTTPS, pinned self-signed certificate)', { skip, concurrency: false }, () => {
  let srv: FakeRest;
  before(async () => {
    srv = await startFakeRest({ requestLimitMs: LIMIT });
  });
  after(async () => {
    await srv?.stop();
  });
  beforeEach(() => srv.reset());

  const req = (text: string, extra: Partial<UploadRequest> = {}): UploadRequest => ({
    text,
    fileLabel: 'fw.rsc',
    profile: profileFor(srv.port, srv.user, 'rest'),
    settings,
    mode: 'apply',
    ...extra,
  });

  it('applies through /rest/file + a background import job; the certificate is pinned on first use', async () => {
    const { deps, rec } = makeDeps(connectRest, { password: srv.password });
    const res = await runUpload(req(good), deps);
    assert.equal(res.outcome, 'applied', res.summary);
    assert.equal(res.dryRun, 'passed');
    assert.deepEqual(rec.fingerprintsShown, [srv.fingerprint]);
    assert.equal(rec.trust.get(`https:127.0.0.1:${srv.port}`), srv.fingerprint);
    assert.equal(srv.state().imports, 1);
    assert.deepEqual(srv.files(), [], 'script and output files removed');
    assert.ok(srv.requests.some((r) => r === 'PUT /rest/file'));
    assert.ok(srv.requests.some((r) => r === 'GET /rest/system/script/job'));
  });

  it('an import that runs longer than the per-request limit still finishes (polled job, no long request)', async () => {
    srv.jobDelayMs = LIMIT * 2;
    const { deps } = makeDeps(connectRest, { password: srv.password });
    const t0 = Date.now();
    const res = await runUpload(req(good), deps);
    assert.equal(res.outcome, 'applied');
    assert.ok(Date.now() - t0 >= LIMIT * 2);
  });

  it('a synchronous request that would pass the router\'s limit fails with a clear message', async () => {
    const { deps } = makeDeps(connectRest, { password: srv.password });
    const session = await connectRest({ profile: profileFor(srv.port, srv.user, 'rest'), credentials: { password: srv.password }, trust: { get: () => srv.fingerprint, set: () => undefined, delete: () => undefined }, prompt: deps.prompt, connectTimeoutMs: 2000, requestLimitMs: LIMIT });
    srv.syncImportDelayMs = LIMIT * 2;
    await assert.rejects(session.run('/import file-name=none.rsc verbose=yes', { timeoutMs: 10_000 }), (e: UploadError) => {
      assert.equal(e.code, 'timeout');
      assert.match(e.message, /within 2 s \(the REST request limit\)/);
      return true;
    });
  });

  it('a run-time error in the script: partly applied, mapped to its line', async () => {
    const text = '/ip firewall filter\nadd chain=input action=accept\nadd chain=input action=dropp\n';
    const { deps } = makeDeps(connectRest, { password: srv.password });
    const res = await runUpload(req(text), deps);
    assert.equal(res.outcome, 'partly-applied');
    assert.equal(res.problems[0].line, 2);
  });

  it('router error bodies ({error, message, detail}) are shown', async () => {
    const { deps } = makeDeps(connectRest, { password: srv.password });
    const session = await connectRest({ profile: profileFor(srv.port, srv.user, 'rest'), credentials: { password: srv.password }, trust: { get: () => srv.fingerprint, set: () => undefined, delete: () => undefined }, prompt: deps.prompt, connectTimeoutMs: 2000, requestLimitMs: LIMIT });
    await assert.rejects(session.run('/nonsense', { timeoutMs: 1000 }), (e: UploadError) => {
      assert.equal(e.code, 'router-error');
      assert.match(e.message, /answered 400 \(Bad Request: bad command name \/nonsense/);
      return true;
    });
  });

  it('a changed certificate blocks before any credentials are sent', async () => {
    const first = makeDeps(connectRest, { password: srv.password });
    await runUpload(req(good, { mode: 'validate' }), first.deps);
    await srv.newCertificate();
    srv.reset();
    const second = makeDeps(connectRest, { password: srv.password }, { trust: first.rec.trust });
    await assert.rejects(runUpload(req(good), second.deps), (e: UploadError) => {
      assert.equal(e.code, 'certificate-changed');
      assert.match(e.message, /routeros\.forgetHostKey/);
      return true;
    });
    assert.deepEqual(srv.authHeaders, [], 'no request (and no password) reached the server');
  });

  it('a wrong password: auth failure, forgotten, never in messages or logs', async () => {
    const wrong = 'nope-' + Date.now();
    const { deps, rec } = makeDeps(connectRest, { password: wrong });
    await assert.rejects(runUpload(req(good), deps), (e: UploadError) => e.code === 'auth-failed' && !e.message.includes(wrong));
    assert.equal(rec.forgotten, 1);
    const shown = rec.logs.join('\n');
    assert.ok(!shown.includes(wrong));
    assert.ok(!shown.includes(Buffer.from(`admin:${wrong}`).toString('base64')));
  });

  it('too large for REST: refused before connecting, or detected when the router cuts the contents', async () => {
    const big = good + '# ' + 'x'.repeat(5000) + '\n';
    const a = makeDeps(connectRest, { password: srv.password });
    await assert.rejects(runUpload(req(big, { settings: { ...settings, restMaxFileBytes: 4096 } }), a.deps), (e: UploadError) => e.code === 'too-large' && /use the SSH transport/.test(e.message));
    assert.equal(srv.requests.length, 0);
    srv.maxContents = 1000;
    try {
      const b = makeDeps(connectRest, { password: srv.password });
      await assert.rejects(runUpload(req(big), b.deps), (e: UploadError) => e.code === 'too-large');
      assert.deepEqual(srv.files(), [], 'the cut file was removed');
      assert.equal(srv.state().imports, 0);
    } finally {
      srv.maxContents = 60 * 1024;
    }
  });
});
