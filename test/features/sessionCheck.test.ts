// The session check of the upload preview: the router's export followed by the script, and whether the
// upload's own session (client address from /user active, the service's port) is still accepted on input.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSession, combine, parseActiveSessions, sessionAddresses } from '../../server/src/features/sessionCheck';

/** A router in RouterOS's default configuration (the shape `/export` prints), SSH from the LAN. */
export const DEFCONF_EXPORT = `# 2026-12-02 16:00:00 by RouterOS 7.16.2
# software id = ABCD-1234
#
/interface bridge
add admin-mac=48:8F:5A:00:00:01 auto-mac=no comment=defconf name=bridge
/interface list
add comment=defconf name=WAN
add comment=defconf name=LAN
/interface bridge port
add bridge=bridge comment=defconf interface=ether2
add bridge=bridge comment=defconf interface=ether3
/interface list member
add comment=defconf interface=bridge list=LAN
add comment=defconf interface=ether1 list=WAN
/ip address
add address=192.168.88.1/24 comment=defconf interface=bridge network=192.168.88.0
/ip dhcp-client
add comment=defconf interface=ether1
/ip firewall filter
add action=accept chain=input comment="defconf: accept established,related,untracked" connection-state=established,related,untracked
add action=drop chain=input comment="defconf: drop invalid" connection-state=invalid
add action=accept chain=input comment="defconf: accept ICMP" protocol=icmp
add action=accept chain=input comment="defconf: accept to local loopback (for CAPsMAN)" dst-address=127.0.0.1
add action=drop chain=input comment="defconf: drop all not coming from LAN" in-interface-list=!LAN
add action=accept chain=forward comment="defconf: accept established,related, untracked" connection-state=established,related,untracked
add action=drop chain=forward comment="defconf: drop invalid" connection-state=invalid
add action=drop chain=forward comment="defconf: drop all from WAN not DSTNATed" connection-nat-state=!dstnat connection-state=new in-interface-list=WAN
/ip firewall nat
add action=masquerade chain=srcnat comment="defconf: masquerade" ipsec-policy=out,none out-interface-list=WAN
/ip service
set telnet disabled=yes
set ftp disabled=yes
`;

/** A stricter router: established first, SSH only as a new connection from the LAN, everything else dropped. */
export const STRICT_EXPORT = `# by RouterOS 7.16.2
/interface list
add name=LAN
/interface list member
add interface=bridge list=LAN
/ip address
add address=192.168.88.1/24 interface=bridge network=192.168.88.0
/ip firewall filter
add action=accept chain=input comment=established connection-state=established,related
add action=accept chain=input comment=ssh-new connection-state=new dst-port=22 in-interface-list=LAN protocol=tcp
add action=drop chain=input comment="drop the rest"
`;

const LAN_CLIENT = '192.168.88.10';

function run(exportText: string, script: string, addresses = [LAN_CLIENT], profilePort = 22) {
  return checkSession({ exportText, script, addresses, service: 'ssh', profilePort }, 'new.rsc');
}

describe('parsing /user active', () => {
  it('reads name, address and via from terse lines and picks the upload\'s sessions', () => {
    const out = ` 0   when=2026-12-02 16:01:02 name=admin address=192.168.88.10 via=ssh group=full radius=no
 1 R when=2026-12-02 16:01:03 name=admin address=10.0.0.9 via=winbox group=full radius=yes
 2   when=2026-12-02 16:01:04 name=other address=192.168.88.11 via=ssh group=full radius=no
 3   when=dec/02/2026 16:01:05 name=admin address=192.168.88.10 via=ssh group=full
`;
    const s = parseActiveSessions(out);
    assert.equal(s.length, 4);
    assert.deepEqual(sessionAddresses(s, 'admin', 'ssh'), ['192.168.88.10']);
    assert.deepEqual(sessionAddresses(s, 'admin', 'www-ssl'), []);
    assert.deepEqual(sessionAddresses(s, 'nobody', 'ssh'), []);
  });
});

describe('combine', () => {
  it('returns to the root menu between the export and the script', () => {
    const c = combine('/ip firewall filter\nadd chain=input\n', 'add chain=forward\n');
    assert.equal(c.text, '/ip firewall filter\nadd chain=input\n/\nadd chain=forward\n');
    assert.equal(c.scriptLine, 3);
    assert.equal(c.text.slice(c.scriptOffset), 'add chain=forward\n');
  });
});

describe('session check', () => {
  it('keeps: a script that only adds a forward rule', () => {
    const r = run(DEFCONF_EXPORT, '/ip firewall filter add chain=forward action=drop dst-port=445 protocol=tcp\n');
    assert.equal(r.verdict, 'keeps', r.summary + r.notes.join(' '));
    assert.equal(r.addresses[0].inInterface, 'bridge');
    assert.equal(r.addresses[0].established.after, 'accepted');
    assert.equal(r.addresses[0].fresh.after, 'accepted');
  });

  it('cut: a drop-all placed before every rule names the script line', () => {
    const r = run(DEFCONF_EXPORT, '# lock down\n/ip firewall filter add chain=input action=drop place-before=0\n');
    assert.equal(r.verdict, 'cut', r.summary);
    assert.equal(r.addresses[0].established.after, 'dropped');
    assert.equal(r.addresses[0].fresh.after, 'dropped');
    assert.deepEqual(r.addresses[0].established.cutBy.map((p) => [p.where, p.line]), [['script', 1]]);
    assert.match(r.summary, /cuts off this upload's ssh session from 192\.168\.88\.10 to port 22: line 2 of new\.rsc/);
  });

  it('cut: dropping the client\'s subnet at the end cuts new logins, the established session stays', () => {
    const r = run(DEFCONF_EXPORT, '/ip firewall filter add chain=input action=drop src-address=192.168.88.0/24\n');
    assert.equal(r.verdict, 'cut', r.summary);
    assert.equal(r.addresses[0].established.after, 'accepted');
    assert.equal(r.addresses[0].fresh.after, 'dropped');
    assert.match(r.summary, /drops new logins/);
  });

  it('cut: removing the router\'s accept-established rule (by [find]) drops the open session', () => {
    const r = run(STRICT_EXPORT, '/ip firewall filter remove [find comment=established]\n');
    assert.equal(r.verdict, 'cut', r.summary);
    assert.equal(r.addresses[0].established.before, 'accepted');
    assert.equal(r.addresses[0].established.after, 'dropped');
    assert.equal(r.addresses[0].fresh.after, 'accepted');
    const by = r.addresses[0].established.cutBy[0];
    assert.equal(by.where, 'router');
    assert.match(by.text, /drop the rest/);
  });

  it('keeps: a drop for another subnet', () => {
    const r = run(STRICT_EXPORT, '/ip firewall filter add chain=input action=drop src-address=10.0.0.0/8 place-before=0\n');
    assert.equal(r.verdict, 'keeps', r.summary);
  });

  it('may: a drop inside :if', () => {
    const r = run(DEFCONF_EXPORT, ':if ([/system resource get uptime] > 1d) do={ /ip firewall filter add chain=input action=drop place-before=0 }\n');
    assert.equal(r.verdict, 'may-cut', r.summary);
    assert.match(r.summary, /may cut off/);
  });

  it('may: a drop with limit= (an unknown condition) drops only some packets', () => {
    const r = run(DEFCONF_EXPORT, '/ip firewall filter add chain=input action=drop limit=10,5:packet place-before=0\n');
    assert.equal(r.verdict, 'may-cut', r.summary);
  });

  it('cut: the script disables the ssh service', () => {
    const r = run(DEFCONF_EXPORT, '/ip service set ssh disabled=yes\n');
    assert.equal(r.verdict, 'cut', r.summary);
    assert.equal(r.serviceChange?.certainty, 'will');
    assert.equal(r.serviceChange?.by?.line, 0);
  });

  it('cut: the service limited to addresses that leave out the client', () => {
    const r = run(DEFCONF_EXPORT, '/ip service set ssh address=10.0.0.0/8\n');
    assert.equal(r.verdict, 'cut', r.summary);
  });

  it('keeps: the service limited to the client\'s subnet', () => {
    const r = run(DEFCONF_EXPORT, '/ip service set ssh address=192.168.88.0/24\n');
    assert.equal(r.verdict, 'keeps', r.summary);
  });

  it('unknown: no session address', () => {
    const r = run(DEFCONF_EXPORT, '/ip firewall filter add chain=forward action=accept\n', []);
    assert.equal(r.verdict, 'unknown');
  });

  it('the service port comes from the router\'s /ip service', () => {
    const r = run(DEFCONF_EXPORT + '/ip service\nset ssh port=2222\n', '/ip firewall filter add chain=input action=drop protocol=tcp dst-port=2222 place-before=0\n', [LAN_CLIENT], 22);
    assert.equal(r.port, 2222);
    assert.equal(r.verdict, 'cut', r.summary);
    assert.ok(r.notes.some((n) => /port forward/.test(n)));
  });

  it('may: a remove whose selection the model cannot resolve', () => {
    const r = run(DEFCONF_EXPORT, '/ip firewall filter remove [find where comment~"defconf" && $x]\n');
    assert.notEqual(r.verdict, 'keeps', r.summary);
    assert.ok(r.unknowns.length > 0);
  });
});

describe('session check: a client in no router subnet (interface unknown)', () => {
  const VPN = '10.8.0.5';
  it('keeps when the script changes nothing on the input path', () => {
    const r = run(DEFCONF_EXPORT, '/ip firewall filter add chain=forward action=drop dst-port=445 protocol=tcp\n/ip firewall address-list add list=other address=10.0.0.1\n', [VPN]);
    assert.equal(r.verdict, 'keeps', r.summary + r.notes.join(' '));
    assert.equal(r.addresses[0].inInterface, undefined);
  });
  it('keeps when the new drop covers only interfaces the session is not accepted on now', () => {
    // ether5 is outside the LAN list: the router drops a routed client's login from it already.
    const r = run(DEFCONF_EXPORT, '/ip firewall filter add chain=input action=drop in-interface=ether5 place-before=0\n', [VPN]);
    assert.equal(r.verdict, 'keeps', r.summary + r.notes.join(' '));
    assert.equal(r.addresses[0].fresh.before, 'partly');
    assert.equal(r.addresses[0].fresh.after, 'accepted');
  });
  it('may when the drop covers some of the interfaces it is accepted on now', () => {
    const twoLan = DEFCONF_EXPORT.replace('add comment=defconf interface=ether1 list=WAN', 'add comment=defconf interface=ether1 list=WAN\nadd interface=wg0 list=LAN');
    const r = run(twoLan, '/ip firewall filter add chain=input action=drop in-interface=wg0 place-before=0\n', [VPN]);
    assert.equal(r.verdict, 'may-cut', r.summary);
    assert.equal(r.addresses[0].established.after, 'partly');
    assert.ok(r.notes.some((n) => /interface the session arrives on is not known/.test(n)));
    assert.match(r.summary, /may cut off .*line 1 of new\.rsc/);
  });
  it('cut when the drop covers every interface it is accepted on now (the LAN list holds only the bridge)', () => {
    const r = run(DEFCONF_EXPORT, '/ip firewall filter add chain=input action=drop in-interface=bridge place-before=0\n', [VPN]);
    assert.equal(r.verdict, 'cut', r.summary);
  });
  it('address lists: a static entry of the router puts the client in the admins list the script accepts', () => {
    const strict = STRICT_EXPORT + '/ip firewall address-list\nadd address=10.8.0.0/24 list=admins\n';
    const keep = run(strict, '/ip firewall filter add chain=input action=accept src-address-list=admins place-before=0\n/ip firewall filter remove [find comment=ssh-new]\n', [VPN]);
    assert.notEqual(keep.verdict, 'cut', keep.summary);
    const cut = run(strict, '/ip firewall address-list remove [find list=admins]\n/ip firewall filter add chain=input action=drop src-address-list=!admins place-before=0\n', [VPN]);
    assert.notEqual(cut.verdict, 'keeps', cut.summary);
  });
  it('cut when the drop covers every interface', () => {
    const r = run(DEFCONF_EXPORT, '/ip firewall filter add chain=input action=drop src-address=10.8.0.0/24 place-before=0\n', [VPN]);
    assert.equal(r.verdict, 'cut', r.summary);
  });
  it('may when the script moves an interface into another list', () => {
    const r = run(DEFCONF_EXPORT, '/interface list member add interface=ether9 list=LAN\n', [VPN]);
    assert.notEqual(r.verdict, 'cut', r.summary);
  });
});
