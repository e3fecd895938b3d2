import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeMatch, unknownCommand } from '../../server/src/rules/unknown-command';
import { findingsOf, ruleTester } from './tester';

ruleTester(unknownCommand, {
  valid: [
    unknownCommand.examples.good,
    { name: 'global commands, :log (a root menu) and abbreviations (:typ, :pic)', code: ':local a [:typeof 1]\n:log info "x"\n:put [:typ $a]\n:put [:pic "abc" 0 1]\n' },
    { name: 'v7 slash path style', code: '/ip/firewall/filter/add chain=input action=drop\n/system/script/run backup\n' },
    { name: 'v6 export style with a section header and relative commands', code: '/ip firewall filter\nadd chain=input action=accept\nset 0 disabled=yes\n/ip address\nprint\n' },
    { name: 'abbreviated menus (/sys sch)', code: '/sys sch print\n/ip fire fil add chain=input\n' },
    { name: 'package and v6 menus the tree lacks', code: '/interface wireless set wlan1 ssid=x\n/caps-man channel add name=c\n/system routerboard settings set auto-upgrade=yes\n/container add file=x.tar\n' },
    { name: 'a v6 export: moved menus are never judged', code: '# jan/02/1970 00:00:00 by RouterOS 6.49.7\n/routing ospf netwrk add network=10.0.0.0/24 area=backbone\n' },
    { name: 'function calls and dynamic names', code: ':global f do={ :put $1 }\n$f 1\n:execute ":global x [:to$t 1]"\n' },
    { name: 'relative words inside blocks and do= bodies are not guessed', code: '/ip firewall filter {\n  ad chain=input\n}\n:foreach i in=[/ip address find] do={ gte $i }\n' },
    { name: 'extra-package menus: user-manager, iot, veth, wifiwave2, dude', code: '/user-manager user add name=u\n/iot lora servers print\n/interface veth add name=v1 address=10.0.0.2/24 gateway=10.0.0.1\n/interface wifiwave2 print\n/dude set enabled=yes\n' },
    { name: 'an unknown word with no close name (a menu the tree may lack)', code: '/interface amt add name=x\n/system tray print\n' },
  ],
  invalid: [
    {
      name: 'a misspelled word inside an extra-package menu',
      code: '/user-manager usr add name=u\n',
      errors: [{ line: 1, column: 15, message: /"usr" in \/user-manager \(did you mean "user"\?\)/ }],
      output: '/user-manager user add name=u\n',
    },
    {
      name: 'meta example',
      code: unknownCommand.examples.bad,
      errors: [
        { line: 1, column: 1, message: /":foobar": no such global command$/ },
        { line: 2, column: 5, message: /"fliter" in \/ip \(did you mean "firewall filter"\?\)/ },
      ],
    },
    {
      name: 'a misspelled global command gets the single close name as a suggestion',
      code: ':pt "hello"\n',
      errors: [{ line: 1, column: 1, message: /did you mean ":put"/ }],
      safe: false,
      output: ':put "hello"\n',
    },
    {
      name: 'a misspelled menu word (v6/v7 space style)',
      code: '/ip firewall fliter add chain=input action=drop\n',
      errors: [{ line: 1, column: 14, message: /"fliter" in \/ip firewall \(did you mean "filter"\?\)/ }],
      output: '/ip firewall filter add chain=input action=drop\n',
    },
    {
      name: 'a misspelled menu word (v7 slash style)',
      code: '/ip/firewall/fliter/add chain=input\n',
      errors: [{ line: 1, column: 14 }],
      output: '/ip/firewall/filter/add chain=input\n',
    },
    {
      name: 'a misspelled first menu word',
      code: '/systme identity set name=r1\n',
      errors: [{ line: 1, column: 2, message: /"systme" in the root menu \(did you mean "system"\?\)/ }],
      output: '/system identity set name=r1\n',
    },
    {
      name: 'a misspelled command after a section header',
      code: '/ip firewall filter\nadd chain=input\nsett 0 disabled=yes\n',
      errors: [{ line: 3, column: 1, message: /"sett" in \/ip firewall filter \(did you mean "set"\?\)/ }],
      output: '/ip firewall filter\nadd chain=input\nset 0 disabled=yes\n',
    },
    {
      name: 'a misspelled global inside a do= body and a scheduler source string',
      code: ':if (true) do={\n  :pt "x"\n}\n/system scheduler add name=s on-event=":foobar"\n',
      errors: [{ line: 2, column: 3 }, { line: 4, column: 40 }],
    },
  ],
});

test('closeMatch: one name within reach, none on ties', () => {
  assert.equal(closeMatch('fliter', ['filter', 'nat', 'mangle']), 'filter');
  assert.equal(closeMatch('pt', ['put', 'pick']), 'put');
  assert.equal(closeMatch('sett', ['set', 'get']), 'set');
  assert.equal(closeMatch('gt', ['get', 'git']), undefined);
  assert.equal(closeMatch('xyzzy', ['filter']), undefined);
});

const corpus = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'files');
test('corpus: intentional-errors.rsc reports :foobar', { skip: !existsSync(corpus) && 'no ../shared/corpus' }, () => {
  const text = readFileSync(join(corpus, 'tikoci__lsp-routeros-ts__test-data__intentional-errors.rsc'), 'utf8');
  const found = findingsOf(unknownCommand, text);
  assert.ok(found.some((f) => /":foobar"/.test(f.message)), found.map((f) => f.message).join('\n'));
});
