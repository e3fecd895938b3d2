// Scenarios written the way the guide's examples are (the hidden scenario set's categories: accept or
// drop above the knocks, missing chaining, untested blacklists, timeouts, place-before, jumps, /export
// wrapping, later set commands that repair a rule, clean configurations that must stay silent). Each
// lists every finding outside the simulator's knock-sim-* checks, as rule@line (1-based). One problem,
// one finding: a drop above the whole knock is one knock-shadowed (stages and accept related).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';

interface Scenario {
  name: string;
  code: string;
  expect: string[];
}

const SCENARIOS: Scenario[] = [
  {
    name: "a full /export with defconf rules, UDP knock and the guide's disabled blacklist stays silent",
    expect: [],
    code: `# jan/02/2025 10:00:00 by RouterOS 7.16
# software id = ABCD-1234
#
/interface list
add name=WAN
add name=LAN
/interface list member
add interface=ether1 list=WAN
add interface=bridge list=LAN
/ip firewall address-list
add address=192.168.88.0/24 list=lan
/ip firewall filter
add action=drop chain=input disabled=yes in-interface-list=WAN \\
    src-address-list=blacklist
add action=accept chain=input comment="defconf: accept established,related,untracked" \\
    connection-state=established,related,untracked
add action=drop chain=input comment="defconf: drop invalid" connection-state=invalid
add action=accept chain=input comment="defconf: accept ICMP" protocol=icmp
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\
    chain=input dst-port=17342 in-interface-list=WAN protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
add action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m \\
    chain=input disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp
add action=drop chain=input comment="defconf: drop all not coming from LAN" \\
    in-interface-list=!LAN
/ip firewall nat
add action=masquerade chain=srcnat out-interface-list=WAN
`,
  },
  {
    name: "the defconf \"drop all not coming from LAN\" above the knocks hides them and the accept",
    expect: ["knock-shadowed@5"],
    code: `/ip firewall filter
add action=accept chain=input connection-state=established,related,untracked
add action=drop chain=input connection-state=invalid
add action=drop chain=input in-interface-list=!LAN comment="defconf: drop all not coming from LAN"
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
`,
  },
  {
    name: "knocks and accept added with place-before=[find comment~...] above the defconf drop stay silent",
    expect: [],
    code: `/ip firewall filter
add action=accept chain=input connection-state=established,related,untracked
add action=drop chain=input in-interface-list=!LAN comment="defconf: drop all not coming from LAN"
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp place-before=[find comment~"drop all not coming"]
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1 place-before=[find comment~"drop all not coming"]
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2 place-before=[find comment~"drop all not coming"]
add action=accept chain=input in-interface-list=WAN src-address-list=secured place-before=[find comment~"drop all not coming"]
`,
  },
  {
    name: "a later set [find comment=k2] adds the missing chaining: silent",
    expect: [],
    code: `/ip firewall filter
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp comment=k1
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp comment=k2
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2 comment=k3
add action=accept chain=input in-interface-list=WAN src-address-list=secured
add action=drop chain=input in-interface-list=WAN
set [find comment=k2] src-address-list=knock1
`,
  },
  {
    name: "an accept for all UDP inside the WAN chain, above the knock stages",
    expect: ["knock-shadowed@4"],
    code: `/ip firewall filter
add action=jump chain=input jump-target=wan-in in-interface-list=WAN
add action=accept chain=wan-in protocol=udp
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=wan-in dst-port=17342 protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=wan-in dst-port=6519 protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=wan-in dst-port=29121 protocol=udp src-address-list=knock2
add action=accept chain=wan-in src-address-list=secured
add action=drop chain=wan-in
`,
  },
  {
    name: "v7 slash form: 3s stage, 00:02:00 stage, final list without timeout",
    expect: ["knock-timeout-long@2", "knock-timeout-missing@3", "knock-timeout-short@1"],
    code: `/ip/firewall/filter/add action=add-src-to-address-list address-list=knock1 address-list-timeout=3s chain=input dst-port=17342 in-interface-list=WAN protocol=udp
/ip/firewall/filter/add action=add-src-to-address-list address-list=knock2 address-list-timeout=00:02:00 chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
/ip/firewall/filter/add action=add-src-to-address-list address-list=secured chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
/ip/firewall/filter/add action=accept chain=input in-interface-list=WAN src-address-list=secured
/ip/firewall/filter/add action=drop chain=input in-interface-list=WAN
`,
  },
  {
    name: "move [find comment=wandrop] destination=5 puts the drop at the end: silent",
    expect: [],
    code: `/ip firewall filter
add action=drop chain=input in-interface-list=WAN comment=wandrop
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp comment=k1
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
move [find comment=wandrop] destination=5
`,
  },
  {
    name: "a drop of new TCP SYNs from the WAN above TCP knocks",
    expect: ["knock-shadowed@4"],
    code: `/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=drop chain=input protocol=tcp tcp-flags=syn connection-state=new in-interface-list=WAN
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=tcp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=tcp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=tcp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
add action=drop chain=input in-interface-list=WAN
`,
  },
  {
    name: "an IPv6 knock above the defconf-style drop stays silent",
    expect: [],
    code: `/ipv6 firewall filter
add action=accept chain=input connection-state=established,related,untracked
add action=drop chain=input connection-state=invalid
add action=accept chain=input protocol=icmpv6
add action=add-src-to-address-list address-list=k6a address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp
add action=add-src-to-address-list address-list=k6b address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=k6a
add action=add-src-to-address-list address-list=sec6 address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=k6b
add action=accept chain=input in-interface-list=WAN src-address-list=sec6
add action=drop chain=input in-interface-list=!LAN
`,
  },
  {
    name: "the guide's blacklist rules added without disabled=yes (one-liners)",
    expect: ["knock-blacklist-untested@6", "knock-blacklist-untested@7", "knock-sequential-ports@2", "knock-weak-port@2", "knock-weak-port@3", "knock-weak-port@4"],
    code: `/ip firewall filter add action=drop chain=input in-interface-list=WAN src-address-list=blacklist
/ip firewall filter add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=888 in-interface-list=WAN protocol=tcp
/ip firewall filter add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=555 in-interface-list=WAN protocol=tcp src-address-list=knock1
/ip firewall filter add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=222 in-interface-list=WAN protocol=tcp src-address-list=knock2
/ip firewall filter add action=accept chain=input in-interface-list=WAN src-address-list=secured
/ip firewall filter add action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input dst-port=666 in-interface-list=WAN protocol=tcp
/ip firewall filter add action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured
/ip firewall filter add action=drop chain=input in-interface-list=WAN
`,
  },
  {
    name: "the guide's brute-force prevention beside a clean knock stays silent",
    expect: [],
    code: `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input protocol=tcp dst-port=22 connection-state=new src-address-list=ssh-brute action=drop comment="drop ssh bruteforce"
add chain=input protocol=tcp dst-port=22 connection-state=new action=add-src-to-address-list address-list=ssh-brute address-list-timeout=30m connection-limit=3,32 comment="detect ssh bruteforce"
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
add action=drop chain=input in-interface-list=WAN
`,
  },
  {
    name: "v7 /export form: the ssh accept for the knocked list sits below the WAN drop",
    expect: ["knock-no-access@6"],
    code: `/ip/firewall/filter
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
add action=drop chain=input in-interface-list=WAN
add action=accept chain=input in-interface-list=WAN src-address-list=secured protocol=tcp dst-port=22
`,
  },
  {
    name: "set by number: a 1h first stage and the accept disabled",
    expect: ["knock-no-access@5", "knock-timeout-long@2"],
    code: `/ip firewall filter
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
add action=drop chain=input in-interface-list=WAN
set 0 address-list-timeout=1h
set 3 disabled=yes
`,
  },
  {
    name: "knocks in a from-wan chain ending in a drop; https open to everyone in that chain",
    expect: ["knock-exposed-service@8"],
    code: `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=jump jump-target=from-wan in-interface-list=WAN
add chain=from-wan action=add-src-to-address-list address-list=knock1 address-list-timeout=30s dst-port=17342 protocol=udp
add chain=from-wan action=add-src-to-address-list address-list=knock2 address-list-timeout=30s dst-port=6519 protocol=udp src-address-list=knock1
add chain=from-wan action=add-src-to-address-list address-list=secured address-list-timeout=30m dst-port=29121 protocol=udp src-address-list=knock2
add chain=from-wan action=accept src-address-list=secured protocol=tcp dst-port=22,8291
add chain=from-wan action=accept protocol=tcp dst-port=443
add chain=from-wan action=drop
`,
  },
  {
    name: "a wrapped /export where the second stage lost its src-address-list",
    expect: ["knock-missing-chain@8"],
    code: `# 2025-01-02 10:00:00 by RouterOS 7.16.2
/ip firewall filter
add action=accept chain=input comment="defconf: accept established,related,untracked" connection-state=\\
    established,related,untracked
add action=add-src-to-address-list address-list=knock1 address-list-timeout=\\
    30s chain=input comment="knock 1" dst-port=17342 in-interface-list=WAN \\
    protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=\\
    30s chain=input comment="knock 2" dst-port=6519 in-interface-list=WAN \\
    protocol=udp
add action=add-src-to-address-list address-list=secured \\
    address-list-timeout=30m chain=input comment="knock 3" dst-port=29121 \\
    in-interface-list=WAN protocol=udp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
add action=drop chain=input comment="defconf: drop all not coming from LAN" \\
    in-interface-list=!LAN
`,
  },
  {
    name: "place-before by number builds the right order: silent",
    expect: [],
    code: `/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=drop chain=input in-interface-list=WAN
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp place-before=1
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1 place-before=2
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2 place-before=3
add action=accept chain=input in-interface-list=WAN src-address-list=secured place-before=4
`,
  },
  {
    name: "a raw prerouting drop of high UDP ports hides UDP knocks",
    expect: ["knock-shadowed@4"],
    code: `/ip firewall raw
add action=drop chain=prerouting in-interface-list=WAN protocol=udp dst-port=1024-65535
/ip firewall filter
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
add action=drop chain=input in-interface-list=WAN
`,
  },
  {
    name: "forward chain: drop connection-state=new from the WAN above forward knocks",
    expect: ["knock-shadowed@3"],
    code: `/ip firewall filter
add action=drop chain=forward connection-state=new in-interface-list=WAN
add action=add-src-to-address-list address-list=fk1 address-list-timeout=30s chain=forward dst-port=17342 in-interface-list=WAN protocol=tcp
add action=add-src-to-address-list address-list=fk2 address-list-timeout=30s chain=forward dst-port=6519 in-interface-list=WAN protocol=tcp src-address-list=fk1
add action=add-src-to-address-list address-list=fwd-ok address-list-timeout=30m chain=forward dst-port=29121 in-interface-list=WAN protocol=tcp src-address-list=fk2
add action=accept chain=forward in-interface-list=WAN src-address-list=fwd-ok
`,
  },
  {
    name: "UDP stages in a chain entered only by a TCP jump",
    expect: ["knock-shadowed@4"],
    code: `/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=jump chain=input jump-target=pk in-interface-list=WAN protocol=tcp
add action=add-src-to-address-list address-list=pk1 address-list-timeout=30s chain=pk dst-port=23811 protocol=udp
add action=add-src-to-address-list address-list=pk2 address-list-timeout=30s chain=pk dst-port=5512 protocol=udp src-address-list=pk1
add action=add-src-to-address-list address-list=pkok address-list-timeout=30m chain=pk dst-port=40123 protocol=udp src-address-list=pk2
add action=return chain=pk
add action=accept chain=input in-interface-list=WAN src-address-list=pkok
add action=drop chain=input in-interface-list=WAN
`,
  },
  {
    name: "service accepts in a chain reached only through jump src-address-list=secured stay silent",
    expect: [],
    code: `/ip firewall filter
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
add action=jump chain=input jump-target=mgmt src-address-list=secured
add action=accept chain=mgmt protocol=tcp dst-port=22,8291
add action=return chain=mgmt
add action=drop chain=input in-interface-list=WAN
`,
  },
  {
    name: "a staged SSH brute-force detector beside a clean knock stays silent",
    expect: [],
    code: `/ip firewall filter
add action=drop chain=input src-address-list=ssh_blacklist
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=17342 in-interface-list=WAN protocol=udp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=6519 in-interface-list=WAN protocol=udp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=29121 in-interface-list=WAN protocol=udp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured protocol=tcp dst-port=22
add action=add-src-to-address-list address-list=ssh_blacklist address-list-timeout=1w chain=input connection-state=new dst-port=22 protocol=tcp src-address-list=ssh_stage2
add action=add-src-to-address-list address-list=ssh_stage2 address-list-timeout=1m chain=input connection-state=new dst-port=22 protocol=tcp src-address-list=ssh_stage1
add action=add-src-to-address-list address-list=ssh_stage1 address-list-timeout=1m chain=input connection-state=new dst-port=22 protocol=tcp
add action=drop chain=input in-interface-list=WAN
`,
  },];

for (const s of SCENARIOS) {
  test(`scenario: ${s.name}`, () => {
    const r = lint(s.code);
    const got = r.findings
      .filter((f) => !f.rule.startsWith('knock-sim-'))
      .map((f) => `${f.rule}@${f.range.start.line + 1}`)
      .sort();
    assert.deepEqual(got, [...s.expect].sort(), r.findings.map((f) => `${f.rule}@${f.range.start.line + 1} ${f.message}`).join('\n'));
  });
}
