// knock-layer7-tcp: `layer7-protocol` on a TCP knock stage. The SYN of a connection attempt carries no
// payload, so the pattern never matches and the stage never fires (the guide uses UDP).
// Suggestion (not safe: the knock client must send UDP too): switch the stage to protocol=udp.

import type { Check } from './types';
import { setPropertyEdit } from './util/edit';
import { fixes, fixOf, ruleFinding, type RawFinding } from './util/finding';
import { known } from './util/rules';

const L7 = `/ip firewall layer7-protocol
add name=pass regexp="^passphrase\\$"
`;

export const knockLayer7Tcp: Check = {
  id: 'knock-layer7-tcp',
  defaultSeverity: 'error',
  description: 'A TCP knock stage uses layer7-protocol, but a connection attempt (SYN) carries no payload, so it never matches.',
  examples: {
    bad: `${L7}/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\
    dst-port=7391 in-interface-list=WAN protocol=tcp layer7-protocol=pass comment="knock 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock 3"
add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`,
    good: `${L7}/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\
    dst-port=7391 in-interface-list=WAN protocol=udp layer7-protocol=pass comment="knock 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock 3"
add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const seen = new Set<unknown>();
    for (const seq of ctx.knocks) {
      for (const stage of seq.stages) {
        const r = stage.rule;
        if (seen.has(r) || r.disabled) continue;
        const l7 = stage.layer7 ?? known(r.match.layer7Protocol)?.value;
        const proto = known(r.match.protocol);
        if (!l7 || !proto || proto.negated || !(proto.value === 'tcp' || proto.value === '6')) continue;
        seen.add(r);
        const edit = setPropertyEdit(r, 'protocol', 'udp', ctx.model);
        out.push(
          ruleFinding(
            this.id,
            r,
            `knock stage "${stage.list}" matches layer7-protocol=${l7} on TCP: a connection attempt (SYN) carries no payload, so the stage never fires`,
            fixes(fixOf('Switch the knock stage to UDP (the knock client must send UDP too)', false, edit ? [edit] : undefined)),
          ),
        );
      }
    }
    return out;
  },
};
