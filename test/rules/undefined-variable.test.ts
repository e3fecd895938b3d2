import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { undefinedVariable } from '../../server/src/rules/undefined-variable';
import { findingsOf, ruleTester } from './tester';

ruleTester(undefinedVariable, {
  valid: [
    undefinedVariable.examples.good,
    { name: 'locals, globals, loop variables and nested blocks', code: ':local a 1\n:global g\n{\n    :local b ($a + 1)\n    :put ($a + $b + $g)\n}\n:foreach i in={1;2} do={ :put $i }\n:for n from=1 to=3 do={ :put $n }\n' },
    { name: 'a global declared later in the file, or in another script of it, counts', code: ':put $counter\n/system script add name=init source=":global counter 0"\n:global counter\n' },
    { name: 'function bodies receive their callers\' named arguments and $1..$9', code: ':local greet do={ :put ("hello " . $name . " " . $1) }\n$greet name=world x\n' },
    { name: 'script sources may be called as functions with arguments', code: '/system script add name=send source=":put \\$chat"\n' },
    { name: 'a monitor do= body gets RouterOS\'s variables', code: '/interface monitor-traffic ether1 once do={ :put $"rx-bits-per-second" }\n' },
    { name: 'a lease script reads RouterOS\'s variables', code: ':if ($leaseBound = 1) do={ :log info $leaseActIP }\n' },
    { name: 'a script that tests for its arguments takes them from a caller', code: ':if ([:len $target] = 0) do={ :error "no target" }\n/ping $target count=1\n' },
    { name: ':local x $x copies an argument', code: ':local host $host\n/ping $host\n' },
    { name: ':onerror binds the error variable in its handler', code: ':onerror e in={ :error "x" } do={ :put $e }\n' },
    { name: ':foreach k,v over an array', code: ':local arr {a=1;b=2}\n:foreach k,v in=$arr do={ :put "$k=$v" }\n' },
    { name: ': local with a space, and the name= value= form', code: ': local x 5\n:put $x\n:local name=y value=3\n:put $y\n' },
    { name: 'a name that RouterOS may end at `_` inside a string', code: ':local file "b"\n:put "$file_2024"\n' },
    { name: 'a file with syntax errors is not judged', code: ':put $y\n:put (\n' },
    { name: 'code stored in a string with interpolation is not judged (it is expanded now)', code: ':global who "me"\n/system scheduler add name=s on-event=":log info $who"\n' },
  ],
  invalid: [
    {
      name: 'meta example: a local declared inside :if, read after it',
      code: undefinedVariable.examples.bad,
      errors: [{ line: 5, column: 14, message: /\$msg is not visible here: it is declared on line 3 inside a block that has ended/, relatedLine: 3 }],
      output: null,
    },
    {
      name: 'never declared',
      code: ':put $y\n',
      errors: [{ line: 1, column: 6, message: /\$y is never declared: RouterOS refuses to run the script/ }],
      output: null,
    },
    {
      name: 'used before its :local',
      code: ':put $x\n:local x 1\n',
      errors: [{ line: 1, column: 6, message: /\$x is used before its :local on line 2/ }],
    },
    {
      name: 'a typo with one close declared name: one finding for every read, a suggested fix for all of them',
      code: ':global newgw1 "10.0.0.1"\n/ip route set [find comment="wan"] gateway=$newgw\n/ip route set [find comment="wan2"] gateway=$newgw\n',
      errors: [{ line: 2, column: 44, message: /\$newgw is never declared.*did you mean \$newgw1\?/, relatedLine: 3 }],
      safe: false,
      output: ':global newgw1 "10.0.0.1"\n/ip route set [find comment="wan"] gateway=$newgw1\n/ip route set [find comment="wan2"] gateway=$newgw1\n',
    },
    {
      name: 'a scheduler\'s on-event code is run on its own: it sees none of the file\'s locals',
      code: '/system scheduler add name=tick interval=1m on-event="{ :local n 1 }; :log info \\$n"\n',
      errors: [{ line: 1, column: 81, message: /\$n is not visible here/ }],
    },
    {
      name: 'a loop variable outside its loop',
      code: ':foreach i in={1;2} do={ :put $i }\n:put $i\n',
      errors: [{ line: 2, column: 6, message: /\$i is not visible here: it is declared on line 1/ }],
    },
  ],
});

test('undefined-variable: globals of other workspace scripts count as declared', () => {
  const code = ':put $sharedCounter\n';
  assert.equal(findingsOf(undefinedVariable, code).length, 1);
  const r = lint(code, { env: { workspaceGlobals: new Set(['sharedCounter']) } });
  assert.equal(r.findings.filter((f) => f.rule === 'undefined-variable').length, 0);
});
