import { knockNoAccess } from '../../server/src/rules/knock-no-access';
import { ruleTester } from './tester';
import { ACCEPT, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

const NEW_DROP = 'chain=input action=drop connection-state=new in-interface-list=WAN';
const SSH_ACCEPT = 'chain=ssh action=accept protocol=tcp dst-port=2222 src-address-list=secured';
const KNOCK = (chain: string) => [S1, S2, S3].map((r) => r.replace('chain=input', `chain=${chain}`));

ruleTester(knockNoAccess, {
  valid: [
    knockNoAccess.examples.good,
    ...STYLES.map((s) => ({ name: `accept above the drop (${s})`, code: script([S1, S2, S3, ACCEPT, WAN_DROP], s) })),
    {
      name: 'a drop that spares the final list grants access',
      code: script([S1, S2, S3, 'chain=input action=drop in-interface-list=WAN src-address-list=!secured'], 'export'),
    },
    {
      name: 'the accept is placed above the drop with place-before',
      code: script([S1, S2, S3, WAN_DROP, ACCEPT + ' place-before=3'], 'export'),
    },
    {
      name: 'a drop below the accept for other traffic only',
      code: script([S1, S2, S3, 'chain=input action=drop in-interface-list=WAN protocol=udp', ACCEPT, WAN_DROP], 'export'),
    },
    {
      name: 'the accept is above a drop in a custom chain reached by a jump',
      code: script([...KNOCK('input'), ACCEPT, 'chain=input action=jump jump-target=wan in-interface-list=WAN', 'chain=wan action=drop'], 'export'),
    },
    {
      name: 'the drop sits at a position the script cannot know',
      code: script([S1, S2, S3, WAN_DROP + ' place-before=[find comment=defconf]', ACCEPT], 'export'),
    },
    {
      name: 'the accept in a custom chain behind a jump that admits its port',
      code: script([S1, S2, S3, 'chain=input action=jump jump-target=ssh protocol=tcp dst-port=2222,7391', SSH_ACCEPT, WAN_DROP], 'export'),
    },
    {
      name: 'one accept behind a jump that admits nothing, another that works',
      code: script([S1, S2, S3, 'chain=input action=jump jump-target=ssh protocol=tcp dst-port=22', SSH_ACCEPT, ACCEPT, WAN_DROP], 'export'),
    },
    {
      name: 'an accept of established connections above a drop of new ones is fine',
      code: script([S1, S2, S3, ACCEPT, NEW_DROP, WAN_DROP], 'export'),
    },
  ],
  invalid: [
    ...STYLES.map((s) => ({
      name: `accept below a drop of new connections from the WAN (${s})`,
      code: script([S1, S2, S3, NEW_DROP, ACCEPT], s),
      errors: [{ line: lineOf(4, s), relatedLine: lineOf(3, s), message: /is never reached: the drop rule .* matches every new connection it would admit/ }],
      output: script([S1, S2, S3, ACCEPT, NEW_DROP], s),
    })),
    {
      name: 'the accept\'s port is not in the port list of the only jump into its chain (typo 2222/2227)',
      code: script([S1, S2, S3, 'chain=input action=jump jump-target=ssh protocol=tcp dst-port=2227,7391 comment="to ssh"', SSH_ACCEPT, 'chain=ssh action=return', WAN_DROP], 'export'),
      errors: [{ line: 6, relatedLine: 5, message: /"secured" never fires: the jump "to ssh" \(line 5\) admits none of its packets \(it requires dst-port=2227,7391\)/ }],
      output: null,
    },
    {
      name: 'accept behind a jump limited to the LAN list while the accept wants the WAN',
      code: script([S1, S2, S3, 'chain=input action=jump jump-target=acc in-interface-list=LAN', ACCEPT.replace('chain=input', 'chain=acc'), WAN_DROP], 'export'),
      errors: [{ line: 6, relatedLine: 5, message: /it requires in-interface-list=LAN/ }],
      output: null,
    },
    {
      name: 'meta example: accept below the WAN drop',
      code: knockNoAccess.examples.bad,
      errors: [{ line: 9, relatedLine: 8, message: /"secured" is never reached: the drop rule "drop all from WAN"/ }],
      safe: true,
      output: `/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\
    dst-port=7391 in-interface-list=WAN protocol=tcp comment="knock 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock 3"
add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`,
    },
    ...STYLES.map((s) => ({
      name: `accept below the drop (${s})`,
      code: script([S1, S2, S3, WAN_DROP, ACCEPT], s),
      errors: [{ line: lineOf(4, s), relatedLine: lineOf(3, s) }],
      output: script([S1, S2, S3, ACCEPT, WAN_DROP], s),
    })),
    ...STYLES.map((s) => ({
      name: `no accept at all: reported on the final stage (${s})`,
      code: script([S1, S2, S3, WAN_DROP], s),
      errors: [{ line: lineOf(2, s), message: /no accept rule uses the knock's final list "secured"/ }],
    })),
    {
      name: 'the only accept is disabled',
      code: script([S1, S2, S3, ACCEPT + ' disabled=yes', WAN_DROP], 'export'),
      errors: [{ line: 5, message: /is disabled/ }],
    },
    {
      name: 'a later move puts the drop above the accept',
      code: script([S1, S2, S3, ACCEPT + ' comment=acc', WAN_DROP + ' comment=wan'], 'export') +
        'move [find comment=wan] destination=[find comment=acc]\n',
      errors: [{ line: 5, relatedLine: 6 }],
    },
    {
      name: 'the drop in a custom chain hides the accept behind the jump',
      code: script([...KNOCK('input'), 'chain=input action=jump jump-target=wan in-interface-list=WAN', ACCEPT, 'chain=wan action=drop'], 'export'),
      errors: [{ line: 6, relatedLine: 7 }],
      output: null,
    },
  ],
});
