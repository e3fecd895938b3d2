import { knockNoAccess } from '../../server/src/rules/knock-no-access';
import { ruleTester } from './tester';
import { ACCEPT, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

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
  ],
  invalid: [
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
