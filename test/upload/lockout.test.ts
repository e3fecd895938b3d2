// The lockout gate: server/src/features/lockout.ts on real snippets (exact kinds and lines), and the
// upload's question, which offers safe apply right there.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/lint';
import { lockoutRisks, type UploadAccess } from '../../server/src/features/lockout';
import { LOCKOUT_ACTION_ANYWAY, lockoutActionRevert, runUpload, type UploadRequest } from '../../client/src/upload/orchestrate';
import type { Connector, RouterSession } from '../../client/src/upload/transport';
import { DEFAULT_SETTINGS, OFFERED_SAFE_APPLY_MINUTES, type UploadError } from '../../client/src/upload/types';
import { makeDeps } from './helpers';

const SSH: UploadAccess = { transport: 'ssh', port: 22, user: 'admin' };
const risks = (text: string, access: UploadAccess | undefined = SSH) =>
  lockoutRisks(lint(text), access).map((r) => `${r.line + 1}:${r.column + 1} ${r.kind} ${r.certainty}`);
const messages = (text: string, access: UploadAccess | undefined = SSH) => lockoutRisks(lint(text), access).map((r) => r.message);

describe('lockout analysis (server/src/features/lockout.ts)', () => {
  it('a drop of everything on input catches the upload\'s own service from every interface', () => {
    assert.deepEqual(risks('/ip firewall filter add chain=input action=drop\n'), ['1:1 input-drop will']);
    assert.match(messages('/ip firewall filter add chain=input action=drop\n')[0], /catches new SSH \(port 22\) connections from every interface, the service this upload uses/);
  });

  it('disabling the service, removing addresses, removing the upload\'s user', () => {
    assert.deepEqual(risks('/ip service set ssh disabled=yes\n'), ['1:1 service-disabled will']);
    assert.deepEqual(risks('/ip service\ndisable ssh,winbox\n'), ['2:1 service-disabled will']);
    assert.deepEqual(risks('/ip address remove [find]\n'), ['1:1 address-removed may']);
    assert.match(messages('/ip address remove [find]\n')[0], /removes every router address/);
    assert.deepEqual(risks('/user remove [find name=admin]\n'), ['1:1 user-removed will']);
    assert.match(messages('/user remove [find name=admin]\n')[0], /removes the user "admin" this upload logs in as/);
    assert.deepEqual(risks('/user remove [find]\n'), ['1:1 user-removed will']);
    assert.deepEqual(risks('/user set [find name=admin] disabled=yes\n'), ['1:1 user-removed will']);
  });

  it('the service over REST is www-ssl (or www over plain HTTP), on the profile\'s port', () => {
    const rest: UploadAccess = { transport: 'rest', port: 8443, user: 'api' };
    assert.deepEqual(risks('/ip service set www-ssl disabled=yes\n', rest), ['1:1 service-disabled will']);
    assert.deepEqual(risks('/ip service set ssh disabled=yes\n', rest), []);
    assert.match(messages('/ip firewall filter add chain=input action=drop protocol=tcp dst-port=8443\n', rest)[0], /HTTPS \(www-ssl\) \(port 8443\)/);
  });

  it('what keeps access is not reported', () => {
    // hardening that leaves the upload's service alone
    assert.deepEqual(risks('/ip service set telnet,ftp,www,api disabled=yes\n'), []);
    // another user, named
    assert.deepEqual(risks('/user remove [find name=bob]\n'), []);
    // drops that never catch a new SSH connection by themselves
    assert.deepEqual(risks('/ip firewall filter\nadd chain=input action=drop connection-state=invalid\nadd chain=input action=drop src-address-list=blacklist\nadd chain=forward action=drop\n'), []);
    // an accept for the service comes first
    assert.deepEqual(risks('/ip firewall filter\nadd chain=input action=accept protocol=tcp dst-port=22\nadd chain=input action=drop\n'), []);
    // stored code runs later, not on import
    assert.deepEqual(risks('/system scheduler add name=x interval=1d on-event="/ip service disable ssh"\n'), []);
    // a disabled rule
    assert.deepEqual(risks('/ip firewall filter add chain=input action=drop disabled=yes\n'), []);
  });

  it('sides: a WAN drop, and a drop after a LAN accept', () => {
    assert.deepEqual(risks('/ip firewall filter add chain=input action=drop in-interface-list=WAN\n'), ['1:1 input-drop may']);
    assert.match(messages('/ip firewall filter add chain=input action=drop in-interface-list=WAN\n')[0], /from the WAN side \(WAN\)/);
    const lanFirst = '/ip firewall filter\nadd chain=input action=accept in-interface-list=LAN\nadd chain=input action=drop\n';
    assert.deepEqual(risks(lanFirst), ['3:1 input-drop may']);
    assert.match(messages(lanFirst)[0], /from every interface but the LAN side \(LAN\)/);
    assert.match(lockoutRisks(lint('/ip firewall filter add chain=input action=drop in-interface-list=outside\n'), SSH, { wanLists: ['outside'] })[0].message, /WAN side \(outside\)/);
  });

  it('through a jump, and under a condition (may)', () => {
    assert.deepEqual(risks('/ip firewall filter\nadd chain=input action=jump jump-target=mgmt\nadd chain=mgmt action=reject protocol=tcp dst-port=22\n'), ['3:1 input-drop will']);
    assert.deepEqual(risks(':if ($lock) do={ /ip service disable ssh }\n'), ['1:18 service-disabled may']);
  });

  it('knock findings and syntax errors still count', () => {
    const r = lockoutRisks(lint('/ip firewall filter\nadd chain=input action=accept "oops\n'), SSH);
    assert.deepEqual(r.map((x) => [x.kind, x.rule, x.line]), [['parse-error', 'parse-error', 1]]);
  });
});

describe('the upload asks before a lockout, and offers safe apply in the question', () => {
  function mem(): { commands: string[]; connect: Connector } {
    const commands: string[] = [];
    const connect: Connector = async () => {
      const s: RouterSession = {
        kind: 'ssh',
        run: async (cmd) => {
          commands.push(cmd);
          if (cmd.startsWith(':put [/system resource')) return '7.22.1 (stable)\n';
          if (cmd.endsWith('dry-run')) return 'Script file loaded successfully\n';
          if (cmd.startsWith('/import')) return 'Script file loaded and executed successfully\n';
          if (cmd.startsWith(':if ((')) return 'armed\n';
          if (cmd === ':put "rsc-alive"') return 'rsc-alive\n';
          return '';
        },
        putFile: async () => undefined,
        removeFile: async () => undefined,
        close: () => undefined,
      };
      return s;
    };
    return { commands, connect };
  }
  const req = (text: string): UploadRequest => ({
    text,
    fileLabel: 'fw.rsc',
    profile: { name: 'r1', host: 'router.lab', user: 'admin', transport: 'ssh' },
    settings: DEFAULT_SETTINGS,
    mode: 'apply',
  });
  const gate = (t: string, a: UploadAccess) => lockoutRisks(lint(t), a);

  for (const text of ['/ip firewall filter add chain=input action=drop\n', '/ip service set ssh disabled=yes\n', '/ip address remove [find]\n', '/user remove [find name=admin]\n']) {
    it(`${text.trim()}: asked; dismissing uploads nothing`, async () => {
      const r = mem();
      const { deps, rec } = makeDeps(r.connect, { password: 'Adm1n-Secret-42', choose: () => undefined });
      deps.lockout = gate;
      await assert.rejects(runUpload(req(text), deps), (e: UploadError) => e.code === 'lint-blocked' && /line 1:/.test(e.message));
      assert.deepEqual(r.commands, []);
      assert.deepEqual(rec.choices, [[lockoutActionRevert(OFFERED_SAFE_APPLY_MINUTES), LOCKOUT_ACTION_ANYWAY]]);
      assert.match(rec.confirms[0], /may lock you out/);
      assert.match(rec.confirms[0], /Safe apply \(off in settings\) can guard this one upload/);
    });
  }

  it('choosing the automatic revert arms it for this upload, proves a fresh login and disarms', async () => {
    const r = mem();
    const { deps } = makeDeps(r.connect, { password: 'Adm1n-Secret-42', choose: (_m, actions) => actions[0] });
    deps.lockout = gate;
    const res = await runUpload(req('/ip service set ssh disabled=yes\n'), deps);
    assert.equal(res.outcome, 'applied');
    assert.equal(res.safeApplyMinutes, OFFERED_SAFE_APPLY_MINUTES);
    assert.ok(r.commands.some((c) => /^\/system scheduler add name="rsc-safe-[^"]+" interval=5m /.test(c)));
    assert.ok(r.commands.some((c) => /^\/system scheduler remove/.test(c)), 'disarmed after the fresh login worked');
  });

  it('"Apply anyway" applies without the revert', async () => {
    const r = mem();
    const { deps } = makeDeps(r.connect, { password: 'Adm1n-Secret-42', choose: () => LOCKOUT_ACTION_ANYWAY });
    deps.lockout = gate;
    const res = await runUpload(req('/ip service set ssh disabled=yes\n'), deps);
    assert.equal(res.outcome, 'applied');
    assert.equal(res.safeApplyMinutes, 0);
    assert.ok(!r.commands.some((c) => c.includes('scheduler')));
  });
});
