import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelOf, order, rule, rsc } from './helpers';

const GUIDE = rsc(
  '/ip firewall filter add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=888 in-interface-list=WAN protocol=tcp comment=k1',
  '/ip firewall filter add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=555 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment=k2',
  '/ip firewall filter add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=222 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment=k3',
  '/ip firewall filter add action=accept chain=input in-interface-list=WAN src-address-list=secured comment=acc',
);

test('hand-written adds append in order with structured matches', () => {
  const m = modelOf(GUIDE);
  assert.deepEqual(order(m), ['k1', 'k2', 'k3', 'acc']);
  const k2 = rule(m, 'k2');
  assert.equal(k2.action, 'add-src-to-address-list');
  assert.equal(k2.chain, 'input');
  assert.equal(k2.addressList, 'knock2');
  assert.equal(k2.addressListTimeout, 30);
  assert.deepEqual(k2.match.dstPort, { negated: false, value: [[555, 555]] });
  assert.deepEqual(k2.match.protocol, { negated: false, value: 'tcp' });
  assert.deepEqual(k2.match.srcAddressList, { negated: false, value: 'knock1' });
  assert.deepEqual(k2.match.inInterfaceList, { negated: false, value: 'WAN' });
  assert.deepEqual(k2.match.other, {});
  assert.equal(k2.source.range.start.line, 1);
  assert.equal(k2.source.range.start.column, 0);
  assert.equal(rule(m, 'acc').action, 'accept');
  assert.equal(rule(m, 'k3').addressListTimeout, 1800);
  assert.deepEqual(m.unresolved, []);
});

test('action defaults to accept; disabled=yes rules are kept and marked', () => {
  const m = modelOf(rsc('/ip firewall filter', 'add chain=input comment=a', 'add chain=input action=drop disabled=yes comment=b'));
  assert.equal(rule(m, 'a').action, 'accept');
  assert.equal(rule(m, 'a').disabled, false);
  assert.equal(rule(m, 'b').disabled, true);
  assert.deepEqual(order(m), ['a', 'b']);
});

test('/export form: section header, continuation lines, comments above a rule in blockRange', () => {
  const text = rsc(
    '# jan/02/2024 12:00:00 by RouterOS 7.12',
    '/ip firewall filter',
    'add action=accept chain=input comment=est connection-state=established,related',
    '# the first knock',
    '# (tcp)',
    'add action=add-src-to-address-list address-list=knock1 \\',
    '    address-list-timeout=30s chain=input comment=k1 dst-port=888 \\',
    '    protocol=tcp',
    'add action=drop chain=input comment=last in-interface-list=!LAN',
  );
  const m = modelOf(text);
  assert.deepEqual(order(m), ['est', 'k1', 'last']);
  const k1 = rule(m, 'k1');
  assert.deepEqual(k1.match.dstPort, { negated: false, value: [[888, 888]] });
  assert.equal(k1.source.range.start.line, 5);
  assert.equal(k1.source.range.end.line, 7);
  // block: the two comment lines, the command, its continuation lines, the final line end
  assert.equal(k1.source.blockRange.start.line, 3);
  assert.equal(k1.source.blockRange.start.column, 0);
  assert.equal(k1.source.blockRange.end.line, 8);
  assert.equal(k1.source.blockRange.end.column, 0);
  assert.equal(
    text.slice(k1.source.blockRange.start.offset, k1.source.blockRange.end.offset),
    '# the first knock\n# (tcp)\nadd action=add-src-to-address-list address-list=knock1 \\\n    address-list-timeout=30s chain=input comment=k1 dst-port=888 \\\n    protocol=tcp\n',
  );
  // the first add's block does not take the section header
  const est = rule(m, 'est');
  assert.equal(est.source.blockRange.start.line, 2);
  assert.deepEqual(rule(m, 'last').match.inInterfaceList, { negated: true, value: 'LAN' });
  assert.deepEqual(est.match.connectionState, { negated: false, value: ['established', 'related'] });
});

test('v7 slash form with verb and as a menu change', () => {
  const m = modelOf(
    rsc(
      '/ip/firewall/filter/add chain=input action=drop comment=a',
      '/ip/firewall/filter',
      'add chain=forward comment=b',
      '/ipv6/firewall/filter/add chain=input action=drop comment=c6',
    ),
  );
  assert.deepEqual(order(m), ['a', 'b']);
  assert.deepEqual(order(m, 'ipv6 filter'), ['c6']);
  assert.equal(rule(m, 'c6', 'ipv6 filter').family, 'ipv6');
});

test('place-before: a number, [find comment=...], [find where ...]', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input comment=a',
      'add chain=input comment=b',
      'add chain=input comment=top place-before=0',
      'add chain=input comment=beforeB place-before=[find comment=b]',
      'add chain=input comment=beforeA place-before=[find where comment="a"]',
    ),
  );
  assert.deepEqual(order(m), ['top', 'beforeA', 'a', 'beforeB', 'b']);
  assert.ok(m.tables.get('ip filter')!.rules.every((r) => r.positionKnown));
  assert.deepEqual(m.unresolved, []);
});

test('place-before an unknown target: appended, position unknown, reported', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input comment=a',
      'add chain=input comment=x place-before=*5',
      'add chain=input comment=y place-before=[find comment="defconf: drop all"]',
      'add chain=input comment=z place-before=7',
    ),
  );
  assert.deepEqual(order(m), ['a', 'x', 'y', 'z']);
  assert.equal(rule(m, 'a').positionKnown, true);
  assert.equal(rule(m, 'x').positionKnown, false);
  assert.equal(rule(m, 'y').positionKnown, false);
  assert.equal(rule(m, 'z').positionKnown, false);
  assert.equal(m.unresolved.length, 3);
  assert.ok(m.unresolved.every((u) => u.kind === 'position'));
  assert.match(m.unresolved[0].message, /internal id/);
  assert.match(m.unresolved[1].message, /matches nothing this script created/);
  assert.equal(m.unresolved[1].range.start.line, 3);
});

test('set by number, numbers=, [find], and a later set repairing a rule', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input comment=a dst-port=1',
      'add chain=input comment=b disabled=yes',
      'add chain=input comment=c',
      'set 0 dst-port=2',
      'set numbers=2 action=drop',
      'set [find comment=b] disabled=no',
      'set [find where comment="a"] src-address-list=knock1',
    ),
  );
  assert.deepEqual(rule(m, 'a').match.dstPort, { negated: false, value: [[2, 2]] });
  assert.deepEqual(rule(m, 'a').match.srcAddressList, { negated: false, value: 'knock1' });
  assert.equal(rule(m, 'c').action, 'drop');
  assert.equal(rule(m, 'b').disabled, false);
  assert.equal(rule(m, 'a').source.edits.length, 2);
  assert.deepEqual(m.unresolved, []);
});

test('set on something the script did not create is unresolved, never guessed', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input comment=a',
      'set *1A disabled=yes',
      'set [find comment="defconf: drop invalid"] disabled=yes',
      'set $id disabled=yes',
      'set 4 disabled=yes',
    ),
  );
  assert.equal(rule(m, 'a').disabled, false);
  assert.equal(m.unresolved.length, 4);
  assert.deepEqual(
    m.unresolved.map((u) => u.range.start.line),
    [2, 3, 4, 5],
  );
  assert.equal(m.unresolved[2].kind, 'dynamic');
});

test('move: positional, numbers=/destination=, [find], to the end, unknown destination', () => {
  const base = ['/ip firewall filter', 'add chain=input comment=a', 'add chain=input comment=b', 'add chain=input comment=c', 'add chain=input comment=d'];
  assert.deepEqual(order(modelOf(rsc(...base, 'move 3 0'))), ['d', 'a', 'b', 'c']);
  assert.deepEqual(order(modelOf(rsc(...base, 'move 0 3'))), ['b', 'c', 'a', 'd']);
  assert.deepEqual(order(modelOf(rsc(...base, 'move numbers=3 destination=1'))), ['a', 'd', 'b', 'c']);
  assert.deepEqual(order(modelOf(rsc(...base, 'move [find comment=d] destination=0'))), ['d', 'a', 'b', 'c']);
  assert.deepEqual(order(modelOf(rsc(...base, 'move 0'))), ['b', 'c', 'd', 'a']);
  assert.deepEqual(order(modelOf(rsc(...base, 'move 1,2 0'))), ['b', 'c', 'a', 'd']);
  const m = modelOf(rsc(...base, 'move 3 destination=*2'));
  assert.deepEqual(order(m), ['a', 'b', 'c', 'd']);
  assert.equal(rule(m, 'd').positionKnown, false);
  assert.equal(m.unresolved.length, 1);
});

test('item numbers follow the last print (print chain=input numbers only input rules)', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=forward comment=f0',
      'add chain=input comment=i0',
      'add chain=input comment=i1',
      'print chain=input',
      'set 1 action=drop',
      'add chain=input comment=i2',
      // numbers still refer to the memorized print: 0 is i0
      'move 1 0',
    ),
  );
  assert.equal(rule(m, 'i1').action, 'drop');
  assert.deepEqual(order(m), ['f0', 'i1', 'i0', 'i2']);
});

test('remove by number, [find], and [find] of everything', () => {
  const base = ['/ip firewall filter', 'add chain=input comment=a', 'add chain=input comment=b', 'add chain=input comment=c'];
  // numbers count the router's own rules too: known only once the script emptied the table
  assert.deepEqual(order(modelOf(rsc('/ip firewall filter', 'remove [find]', ...base.slice(1), 'print', 'remove 1'))), ['a', 'c']);
  const unseen = modelOf(rsc(...base, 'print', 'remove 1'));
  assert.deepEqual(order(unseen), ['a', 'b', 'c']);
  assert.match(rule(unseen, 'b').source.uncertain![0], /^may be removed by line 6, whose item number 1 may be another rule: the router's own rules/);
  // without a print the script has no numbering: the removal may or may not happen, the rule stays marked
  const m = modelOf(rsc(...base, 'remove 1'));
  assert.deepEqual(order(m), ['a', 'b', 'c']);
  assert.deepEqual(rule(m, 'b').source.uncertain, ['may be removed by line 5, which uses item numbers with no `print` before them']);
  assert.equal(rule(m, 'a').source.uncertain, undefined);
  assert.deepEqual(order(modelOf(rsc(...base, 'remove [find comment=c]'))), ['a', 'b']);
  assert.deepEqual(order(modelOf(rsc(...base, 'remove [find]', 'add chain=input comment=z'))), ['z']);
  assert.deepEqual(order(modelOf(rsc(...base, 'remove [find where comment~"^[ab]"]'))), ['c']);
  assert.deepEqual(order(modelOf(rsc(...base, 'remove [find dynamic=no chain=input comment!=b]'))), ['b']);
  assert.deepEqual(order(modelOf(rsc(...base, 'remove [find where !dynamic and (comment="a" or comment="c")]'))), ['b']);
});

test('disable/enable with number lists, comment, unset', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input comment=a',
      'add chain=input comment=b disabled=yes',
      'add chain=input comment=c disabled=yes',
      'disable 0',
      'enable numbers=1,2',
      'add chain=input comment=d log=yes',
      'comment 3 comment=renamed',
      'unset [find comment=renamed] value-name=log',
    ),
  );
  assert.equal(rule(m, 'a').disabled, true);
  assert.equal(rule(m, 'b').disabled, false);
  assert.equal(rule(m, 'c').disabled, false);
  assert.equal(rule(m, 'renamed').props.log, undefined);
});

test('the guide enables its blacklist rules by number', () => {
  const m = modelOf(
    GUIDE +
      rsc(
        '/ip firewall filter add action=drop chain=input disabled=yes in-interface-list=WAN src-address-list=blacklist comment=bl-drop',
        '/ip firewall filter add action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp comment=bl1',
        '/ip firewall filter add action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input disabled=yes dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured comment=bl2',
        '/ip firewall filter enable numbers=5,6',
      ),
  );
  assert.equal(rule(m, 'bl-drop').disabled, true);
  assert.equal(rule(m, 'bl1').disabled, false);
  assert.equal(rule(m, 'bl2').disabled, false);
  assert.deepEqual(rule(m, 'bl2').match.srcAddressList, { negated: true, value: 'secured' });
  assert.deepEqual(rule(m, 'bl2').match.dstPort!.value, [[21, 21], [22, 22], [23, 23], [8291, 8291], [10000, 60000]]);
});

test('rules inside :if and loops are conditional; embedded scripts are not run', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter add chain=input comment=plain',
      ':if ([:len [/ip firewall filter find comment=x]] = 0) do={',
      '  /ip firewall filter add chain=input comment=inIf',
      '}',
      ':foreach p in={1;2} do={ /ip firewall filter add chain=input dst-port=$p comment=inLoop }',
      ':do { /ip firewall filter add chain=input comment=inDo } on-error={ /ip firewall filter add chain=input comment=inErr }',
      '/system script add name=s source={ /ip firewall filter add chain=input comment=inScript }',
      '/system scheduler add name=t on-event="/ip firewall filter add chain=input comment=inSched"',
    ),
  );
  assert.deepEqual(order(m), ['plain', 'inIf', 'inLoop', 'inDo', 'inErr']);
  assert.equal(rule(m, 'plain').source.conditional, false);
  assert.equal(rule(m, 'inIf').source.conditional, true);
  assert.equal(rule(m, 'inLoop').source.conditional, true);
  // `:do` counts too: an error inside ends it early (the brief of issue 10)
  assert.equal(rule(m, 'inDo').source.conditional, true);
  assert.deepEqual(rule(m, 'inIf').source.uncertain, ['created inside `:if` (line 2), which may not run']);
  assert.equal(rule(m, 'inErr').source.conditional, true);
  assert.deepEqual(rule(m, 'inLoop').match.dstPort, { negated: false, value: { unknown: true, raw: '$p' } });
  assert.deepEqual(rule(m, 'inLoop').dynamicProps, ['dst-port']);
});

test('a block keeps the menu of its surroundings', () => {
  const m = modelOf(rsc('/ip firewall filter', ':if (true) do={', '  add chain=input comment=a', '}', 'add chain=input comment=b'));
  assert.deepEqual(order(m), ['a', 'b']);
});

test('a menu with a block: `/ip firewall filter { add ... }` runs the block in that menu', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter {',
      '  add chain=input action=drop comment=a',
      '  add chain=input action=accept comment=b place-before=0',
      '}',
      '/ipv6/firewall/raw { add chain=prerouting action=drop comment=r6 }',
      '/interface list member { add list=WAN interface=ether1 }',
      '/system script add name=s source={ /ip firewall filter add chain=input comment=inScript }',
      '/ip firewall nat add chain=srcnat action=masquerade comment=n',
    ),
  );
  assert.deepEqual(order(m), ['b', 'a']);
  assert.deepEqual(order(m, 'ipv6 raw'), ['r6']);
  assert.deepEqual(order(m, 'ip nat'), ['n']);
  assert.deepEqual(m.interfaceLists.get('WAN')!.members, ['ether1']);
});

test('values computed at run time are Unknown, never guessed', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add action=jump chain=input comment=j dst-port=($portknoking->"port1") jump-target=kn protocol=tcp',
      'add chain=input comment=t address-list-timeout=$knockWindow action=add-src-to-address-list address-list=knock1',
    ),
  );
  assert.deepEqual(rule(m, 'j').match.dstPort, { negated: false, value: { unknown: true, raw: '($portknoking->"port1")' } });
  assert.equal(rule(m, 'j').jumpTarget, 'kn');
  assert.deepEqual(rule(m, 't').addressListTimeout, { unknown: true, raw: '$knockWindow' });
});

test('match structure: negations, tcp-flags, packet size, psd, limits, other matchers', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input comment=x protocol=6 dst-port=!1,2,3 in-interface=!bridgeLocal tcp-flags=syn,!ack packet-size=100-200 psd=21,3s,3,1 connection-limit=3,32 limit=5/1m,10 src-address=10.0.0.0/8 dst-address-type=local layer7-protocol=pass src-mac-address=aa:bb:cc:dd:ee:ff connection-nat-state=!dstnat icmp-options=8:0 log=yes log-prefix=knock',
    ),
  );
  const x = rule(m, 'x').match;
  assert.deepEqual(x.protocol, { negated: false, value: 'tcp' });
  assert.deepEqual(x.dstPort, { negated: true, value: [[1, 1], [2, 2], [3, 3]] });
  assert.deepEqual(x.inInterface, { negated: true, value: 'bridgeLocal' });
  assert.deepEqual(x.tcpFlags, { negated: false, value: ['syn', '!ack'] });
  assert.deepEqual(x.packetSize, { negated: false, value: [100, 200] });
  assert.equal(x.psd, '21,3s,3,1');
  assert.equal(x.connectionLimit, '3,32');
  assert.equal(x.limit, '5/1m,10');
  assert.deepEqual(x.srcAddress, { negated: false, value: '10.0.0.0/8' });
  assert.deepEqual(x.layer7Protocol, { negated: false, value: 'pass' });
  assert.deepEqual(x.srcMacAddress, { negated: false, value: 'AA:BB:CC:DD:EE:FF' });
  assert.deepEqual(x.connectionNatState, { negated: true, value: ['dstnat'] });
  assert.deepEqual(x.icmpOptions, { negated: false, value: '8:0' });
  assert.deepEqual(x.other, { 'dst-address-type': 'local' });
  assert.equal(rule(m, 'x').logPrefix, 'knock');
  assert.equal(rule(m, 'x').props.log, 'yes');
});

test('address lists, interface lists, layer7 definitions, filled-by and used-by', () => {
  const m = modelOf(
    GUIDE +
      rsc(
        '/ip firewall address-list add list=secured address=203.0.113.10 timeout=1d comment=office',
        '/ip firewall address-list',
        'add list=admins address=198.51.100.0/24',
        '/interface list add name=WAN',
        '/interface list add name=LAN',
        '/interface list member add list=WAN interface=ether1',
        '/interface list member add list=LAN interface=bridge',
        '/interface list member add list=WAN interface=$wan2',
        '/ip firewall layer7-protocol add name=pass regexp="^passphrase$"',
      ),
  );
  const secured = m.addressLists.get('ip secured')!;
  assert.equal(secured.entries.length, 1);
  assert.equal(secured.entries[0].address, '203.0.113.10');
  assert.equal(secured.entries[0].timeout, 86400);
  assert.deepEqual(secured.filledBy.map((r) => r.comment), ['k3']);
  assert.deepEqual(secured.usedBy.map((r) => r.comment), ['acc']);
  assert.deepEqual(m.addressLists.get('ip knock1')!.usedBy.map((r) => r.comment), ['k2']);
  assert.equal(m.addressLists.get('ip admins')!.entries[0].address, '198.51.100.0/24');
  assert.deepEqual(m.interfaceLists.get('WAN')!.members, ['ether1']);
  assert.equal(m.interfaceLists.get('WAN')!.unknownMembers, true);
  assert.deepEqual(m.interfaceLists.get('LAN')!.members, ['bridge']);
  assert.equal(m.layer7.get('pass')!.regexp, '^passphrase$');
});

test('other tables and families are separate', () => {
  const m = modelOf(
    rsc(
      '/ip firewall raw add chain=prerouting action=drop src-address-list=bl comment=r',
      '/ip firewall nat add chain=dstnat action=dst-nat to-addresses=10.0.0.2 dst-port=80 protocol=tcp comment=n',
      '/ip firewall mangle add chain=prerouting action=mark-connection new-connection-mark=x comment=mg',
      '/ipv6 firewall filter add chain=input action=drop comment=v6',
    ),
  );
  assert.deepEqual([...m.tables.keys()].sort(), ['ip mangle', 'ip nat', 'ip raw', 'ipv6 filter']);
  assert.deepEqual(rule(m, 'n', 'ip nat').match.other, {});
  assert.deepEqual(rule(m, 'mg', 'ip mangle').match.other, {});
});

test('broken input never throws', () => {
  for (const text of ['/ip firewall filter add chain=', 'add', '/ip firewall filter set', 'move', ':if ( do={ add', '/ip firewall filter move [find', '/ip firewall filter remove [find where (']) {
    const m = modelOf(text);
    assert.ok(m.tables instanceof Map);
  }
});

test('v7 slash form and one-line full paths for set/move/remove/disable/place-before', () => {
  const slash = modelOf(
    rsc(
      '/ip/firewall/filter/add chain=input comment=a',
      '/ip/firewall/filter/add chain=input comment=b disabled=yes',
      '/ip/firewall/filter/add chain=input comment=c',
      '/ip/firewall/filter/add chain=input comment=d',
      '/ip/firewall/filter/move 3 0',
      '/ip/firewall/filter/set [find comment=b] disabled=no',
      '/ip/firewall/filter/remove [find comment=c]',
      '/ip/firewall/filter/disable numbers=1',
      '/ip/firewall/filter/add chain=input comment=top place-before=[find comment=d]',
    ),
  );
  assert.deepEqual(order(slash), ['top', 'd', 'a', 'b']);
  assert.equal(rule(slash, 'a').disabled, true);
  assert.equal(rule(slash, 'b').disabled, false);
  const full = modelOf(
    rsc(
      '/ip firewall filter add chain=input comment=a',
      '/ip firewall filter add chain=input comment=b',
      '/ip firewall filter move numbers=1 destination=0',
      '/ip firewall filter set 1 action=drop',
    ),
  );
  assert.deepEqual(order(full), ['b', 'a']);
  assert.equal(rule(full, 'a').action, 'drop');
  assert.deepEqual(slash.unresolved, []);
});

test('changes that may not take effect are applied and marked: inside :if, loops, :do, functions; numbers with no print', () => {
  const base = ['/ip firewall filter', 'add chain=input comment=a', 'add chain=input comment=b action=drop'];
  const inIf = modelOf(rsc(...base, ':if ($x) do={ /ip firewall filter set [find comment=b] action=accept }'));
  assert.equal(rule(inIf, 'b').action, 'accept');
  assert.deepEqual(rule(inIf, 'b').source.uncertain, ['changed by line 4 inside `:if` (line 4), which may not run']);
  const fn = modelOf(rsc(...base, ':local f do={ /ip firewall filter disable [find comment=a] }'));
  assert.equal(rule(fn, 'a').disabled, true);
  assert.deepEqual(rule(fn, 'a').source.uncertain, ['changed by line 4 inside `:local` (line 4), which may not run']);
  const removeInLoop = modelOf(rsc(...base, ':while (false) do={ /ip firewall filter remove [find comment=a] }'));
  assert.deepEqual(order(removeInLoop), ['a', 'b']);
  assert.match(rule(removeInLoop, 'a').source.uncertain![0], /^may be removed by line 4 inside `:while`/);
  const moved = modelOf(rsc(...base, 'move 1 0'));
  assert.deepEqual(order(moved), ['b', 'a']);
  assert.deepEqual(rule(moved, 'b').source.uncertain, ['moved by line 4, which uses item numbers with no `print` before them']);
  const printed = modelOf(rsc('/ip firewall filter', 'remove [find]', ...base.slice(1), 'print', 'move 1 0', 'set 0 comment=c'));
  assert.deepEqual(order(printed), ['b', 'c']);
  assert.equal(rule(printed, 'b').source.uncertain, undefined);
  assert.equal(rule(printed, 'c').source.uncertain, undefined);
  // the same on a table that may hold the router's rules: applied, marked
  const unseen = modelOf(rsc(...base, 'print', 'move 1 0'));
  assert.deepEqual(order(unseen), ['b', 'a']);
  assert.match(rule(unseen, 'b').source.uncertain![0], /^moved by line 5, whose item number 1 may be another rule/);
});

test(':foreach over a resolved [find] applies its body like the command itself', () => {
  const base = ['/ip firewall filter', 'add chain=input comment=a', 'add chain=input comment=b', 'add chain=input comment=c'];
  const m = modelOf(rsc(...base, ':foreach i in=[/ip firewall filter find comment~"^[ab]"] do={ /ip firewall filter remove $i }'));
  assert.deepEqual(order(m), ['c']);
  const d = modelOf(rsc(...base, ':foreach r in=[find comment=b] do={ disable $r; set $r action=drop }'));
  assert.equal(rule(d, 'b').disabled, true);
  assert.equal(rule(d, 'b').action, 'drop');
  assert.equal(rule(d, 'b').source.uncertain, undefined);
  // a body doing anything else is conditional code, and `$i` there is a value computed at run time
  const other = modelOf(rsc(...base, ':foreach i in=[find comment=a] do={ :if ($i) do={ remove $i } }'));
  assert.deepEqual(order(other), ['a', 'b', 'c']);
  assert.ok(other.unresolved.some((u) => /^remove \$i/.test(u.message)));
  const inIf = modelOf(rsc(...base, ':foreach i in={1} do={ /ip firewall filter remove [find comment=a] }'));
  assert.match(rule(inIf, 'a').source.uncertain![0], /^may be removed by line 5 inside `:foreach`/);
  // a selector the model cannot resolve is noted, never guessed
  const unknownSel = modelOf(rsc(...base, ':foreach i in=[find comment=zzz] do={ remove $i }'));
  assert.deepEqual(order(unknownSel), ['a', 'b', 'c']);
  assert.ok(unknownSel.unresolved.length > 0);
});
