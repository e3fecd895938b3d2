import { unusedVariable } from '../../server/src/rules/unused-variable';
import { ruleTester } from './tester';

ruleTester(unusedVariable, {
  valid: [
    unusedVariable.examples.good,
    { name: 'read in an expression, a string, a nested block', code: ':local a 1\n:local b 2\n:local c 3\n:put ($a + 1)\n:put "b is $b"\n{ :put $c }\n' },
    { name: 'read in text the parser keeps raw (where clauses)', code: ':local ip 10.0.0.1\n/ip address print where address=$ip\n' },
    { name: 'a function held in a local is read when called', code: ':local f do={ :put 1 }\n$f\n' },
    { name: 'names starting with _ are deliberately unused', code: ':local _ignored [/system identity get name]\n' },
    { name: 'loop variables and globals are not judged', code: ':global g 1\n:foreach i in={1;2} do={ :put 1 }\n' },
  ],
  invalid: [
    {
      name: 'meta example',
      code: unusedVariable.examples.bad,
      errors: [{ line: 1, column: 8, message: /:local wanPort is never read/ }],
      output: null,
    },
    {
      name: 'written with :set but never read',
      code: ':local n 0\n:set n 5\n',
      errors: [{ line: 1, column: 8 }],
    },
    {
      name: 'read only before it is declared in an inner block (a different variable)',
      code: '{\n    :local x 1\n}\n',
      errors: [{ line: 2, column: 12 }],
    },
  ],
});
