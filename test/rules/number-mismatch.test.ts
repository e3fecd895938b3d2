import { numberMismatch } from '../../server/src/rules/number-mismatch';
import { ruleTester } from './tester';
import { S1, S2, S3, ACCEPT } from './fixtures';

const F = '/ip firewall filter';
const CLEAR = `${F} remove [find]`;
const lines = (...l: string[]) => l.join('\n') + '\n';

// The reference guide's steps in its order, on a table that holds only the file's rules: a WAN drop (the
// "existing firewall" the guide assumes), the knock, `print chain=input`, `move 0 3`, the blacklist rules
// (added disabled), `enable numbers=5,6`.
const BL_DROP = 'action=drop chain=input disabled=yes in-interface-list=WAN src-address-list=blacklist';
const BL_666 = 'action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp';
const BL_SCAN = 'action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input disabled=yes dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured';
const guide = (...tail: string[]) =>
  lines(
    CLEAR,
    `${F} add chain=input action=drop in-interface-list=WAN comment="drop WAN"`,
    `${F} add ${S1}`,
    `${F} add ${S2}`,
    `${F} add ${S3}`,
    `${F} add ${ACCEPT}`,
    `${F} print chain=input`,
    `${F} move 0 3`,
    `${F} add ${BL_DROP}`,
    `${F} add ${BL_666}`,
    `${F} add ${BL_SCAN}`,
    ...tail,
  );

ruleTester(numberMismatch, {
  valid: [
    numberMismatch.examples.good,
    // the table may hold the router's own rules: nothing can be known about the numbers
    { name: 'the guide on a router with its own rules', code: lines(`${F} add ${S1}`, `${F} add ${S2}`, `${F} print chain=input`, `${F} move 0 3`, `${F} enable numbers=5,6`) },
    { name: 'numbers in range after a print', code: lines(CLEAR, `${F} add chain=input comment=a`, `${F} add chain=input comment=b`, `${F} print`, `${F} move 1 0`, `${F} set 0 comment=c`) },
    { name: 'no print: numbered as a print there would', code: lines(CLEAR, `${F} add chain=input comment=a`, `${F} add chain=input comment=b`, `${F} remove 1`) },
    { name: 'a comment naming the rule the number refers to', code: lines(CLEAR, `${F} add chain=input comment="allow ssh"`, `${F} add chain=input action=drop comment="drop all"`, `${F} print`, '# move "drop all" to the top', `${F} move 1 0`) },
    { name: 'a comment naming no rule', code: lines(CLEAR, `${F} add chain=input comment="allow ssh"`, `${F} add chain=input action=drop comment="drop all"`, `${F} print`, '# reorder', `${F} move 0 2`) },
    { name: 'disable after a disable that may not have run', code: lines(CLEAR, `${F} add chain=input`, `:if ($x) do={ ${F} disable [find] }`, `${F} print`, `${F} disable 0`) },
    { name: 'in conditional code', code: lines(CLEAR, `${F} add chain=input`, `${F} print`, `:if ($x) do={ ${F} remove 4 }`) },
    { name: 'after a rule that may not exist', code: lines(CLEAR, `:if ($x) do={ ${F} add chain=input }`, `${F} add chain=input`, `${F} print`, `${F} remove 1`) },
    { name: 'a filtered print the model cannot evaluate', code: lines(CLEAR, `${F} add chain=input`, `${F} print where bytes>0`, `${F} remove 3`) },
    { name: 'a full /export has no numbered commands to judge', code: lines('# 2024-05-01 12:00:00 by RouterOS 7.16.2', F, 'add chain=input action=accept', 'add chain=input action=drop') },
    { name: 'a fasttrack rule: versions that number its dynamic counter rule make one more number valid', code: lines(CLEAR, `${F} add chain=forward action=fasttrack-connection connection-state=established,related`, `${F} print`, `${F} remove 1`) },
  ],
  invalid: [
    { name: 'meta example', code: numberMismatch.examples.bad, errors: [{ line: 7, column: 36, message: /item 2 refers to no rule: the `print` on line 4 numbers 2 rules \(0-1\); the rule added after it \(line 5\) get a number only at the next `print`/ }], output: null },
    {
      name: "the guide's enable numbers=5,6 after its print chain=input: the blacklist rules have no number yet",
      code: guide(`${F} enable numbers=5,6`),
      errors: [{ line: 12, column: 36, message: /^item 5,6 refer to no rule: the `print` on line 7 numbers 5 rules \(0-4\); the rules added after it \(line 9, 10, 11\) get a number only at the next `print`; RouterOS rejects it \("no such item"\)$/ }],
      output: null,
    },
    {
      name: "the guide's enable numbers=5,6 after a new print: enables the WAN drop's neighbours, not the blacklist",
      code: guide(`${F} print`, `${F} enable numbers=3,4`),
      errors: [{ line: 13, column: 36, message: /^enable 3,4 \(numbers of the `print` on line 12\) changes nothing: 3 is the rule of line 5: `chain=input action=add-src-to-address-list`, already enabled; 4 is the rule of line 6: `chain=input action=accept`, already enabled; disabled after the script: item 5 \(line 9.*item 6 \(line 10.*item 7 \(line 11/ }],
      output: null,
    },
    {
      name: 'a number past the end with no print',
      code: lines(CLEAR, `${F} add chain=input`, `${F} add chain=input`, `${F} move 2 0`),
      errors: [{ line: 4, column: 26, message: /^item 2 refers to no rule: a `print` here \(there is none before it\) numbers 2 rules \(0-1\)/ }],
      output: null,
    },
    {
      name: 'place-before a number past the end',
      code: lines(CLEAR, `${F} add chain=input`, `${F} print`, `${F} add chain=input action=drop place-before=1`),
      errors: [{ line: 4, column: 62, message: /^place-before 1 refers to no rule: the `print` on line 3 numbers 1 rule \(0-0\)/ }],
      output: null,
    },
    {
      name: 'a number of a removed rule',
      code: lines(CLEAR, `${F} add chain=input comment=a`, `${F} add chain=input comment=b`, `${F} print`, `${F} remove 0`, `${F} disable 0`),
      errors: [{ line: 6, column: 29, message: /^item 0 refers to no rule: 0 was the rule of line 2 \("a"\): `chain=input action=accept`, which an earlier command removed/ }],
      output: null,
    },
    {
      name: 'after a print, the comment names another rule',
      code: lines(CLEAR, `${F} add chain=input protocol=tcp dst-port=22 src-address=192.168.88.0/24 comment="allow ssh"`, `${F} add chain=input action=drop comment="drop all" disabled=yes`, `${F} print`, '# turn on drop all', `${F} set 0 disabled=no`),
      errors: [{ line: 6, column: 25, message: /^item 0 of the `print` on line 4 is not the rule the comment above names: 0 is the rule of line 2 \("allow ssh"\).*the comment names line 3 \("drop all"\).*item 1$/ }],
      output: lines(CLEAR, `${F} add chain=input protocol=tcp dst-port=22 src-address=192.168.88.0/24 comment="allow ssh"`, `${F} add chain=input action=drop comment="drop all" disabled=yes`, `${F} print`, '# turn on drop all', `${F} set 1 disabled=no`),
    },
  ],
});
