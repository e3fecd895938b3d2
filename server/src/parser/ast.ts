// The syntax tree of a RouterOS script: a plain value with exact positions and no semantics.
// Every consumer must tolerate missing pieces: after an error a node may lack its value, a block its
// closing brace, a command its verb. The model layer (server/src/model) gives the tree meaning.
//
// Positions: `line` and `column` are 0-based (column counts UTF-16 code units, as JavaScript strings
// and LSP do); `offset` is the 0-based UTF-16 index into the whole file text. The CLI adds 1 to line
// and column when it prints. Code parsed out of a quoted string (`source="..."`) carries positions
// mapped back into the file, so every range in the tree points into the original text.

export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface Range {
  start: Position;
  /** Exclusive end. */
  end: Position;
}

export interface Node {
  range: Range;
}

// ---------------------------------------------------------------------------------------------
// Whole file

export interface Script extends Node {
  kind: 'script';
  statements: Statement[];
  /** Every comment in the file (including ones inside blocks), in order. Directives live here. */
  comments: Comment[];
}

export interface Comment extends Node {
  kind: 'comment';
  /** Text after `#`, without the line end. */
  text: string;
  /** True when code precedes the comment on its line (`add ...; # note` or `add ...<TAB># note`). */
  trailing: boolean;
}

// ---------------------------------------------------------------------------------------------
// Statements

export type Statement = Command | BlockStatement;

/**
 * One command: optional menu path, optional verb, arguments.
 *
 *   /ip firewall filter add chain=input action=drop    path=[ip,firewall,filter] absolute verb=add
 *   /ip/firewall/filter/add chain=input                the same, slash form
 *   /ip firewall filter                                path only, verb=null: changes the current menu
 *   add chain=input                                    relative: path=null, verb=add
 *   :local x 5                                         verb=':local' (global command), args=[x, 5]
 *   .. set a=1                                         path with a `..` segment
 *   $f a=1  /  [$f]                                    verb=null, callee=the variable
 *   /ip firewall filter { add ... }                    path=[ip,firewall,filter] verb=null, args=[the code block]
 */
export interface Command extends Node {
  kind: 'command';
  /** Menu path written on this command, or null when the command is relative to the current menu. */
  path: MenuPath | null;
  /**
   * The command word: `add`, `set`, `print`, `:local`, `:if`, ... (global commands keep their `:`,
   * and a global command written without `:` inside a block keeps its spelling).
   * Null for a bare menu change (`/ip firewall filter`) or a function call through a variable.
   */
  verb: Word | null;
  /** A function call: `$myFunc arg=1` (the variable) when the command starts with one. */
  callee?: VariableRef;
  args: Argument[];
  /** Range covering the whole command including continuation lines (equals `range`). */
}

export interface MenuPath extends Node {
  kind: 'path';
  /** True when the path starts with `/`. */
  absolute: boolean;
  /** The segments in order; `..` appears as a segment with text '..'. */
  segments: Word[];
}

/** A `{ ... }` block in statement position (a scope). */
export interface BlockStatement extends Node {
  kind: 'block';
  statements: Statement[];
  /** False when the closing `}` is missing (an error is reported too). */
  closed: boolean;
}

// ---------------------------------------------------------------------------------------------
// Arguments

/**
 * One argument of a command.
 *   name=value        name + value
 *   name=             name, value = empty Word (text '')
 *   value             positional: name null (`set 0`, `set [find ...]`, `:local x 5`, `*1A`)
 *   !name             unset property (verbose export): name, negatedName true, value null
 *   .ssid=x           dotted name: name.text '.ssid'
 *   do={...}          name 'do', value a CodeBlock
 *   where expr...     name null, value = a Word 'where' followed by further positional args (kept raw)
 */
export interface Argument extends Node {
  kind: 'arg';
  name: Word | null;
  /** Range of the `=` sign, when present. */
  equals?: Range;
  value: Value | null;
  /** `!name` form: the property is unset (verbose export). */
  negatedName?: boolean;
  /**
   * A comparison other than `=` between name and value, as in `where` clauses: `name~"x"`,
   * `rx-byte>100`, `address!=1.2.3.4` (operator `~`, `>`, `!=`, `<`, `<=`, `>=`). Absent for `=`.
   * `equals` then holds the operator's range.
   */
  operator?: string;
}

// ---------------------------------------------------------------------------------------------
// Values and expressions

export type Value =
  | Word
  | StringLiteral
  | VariableRef
  | Substitution
  | ParenExpr
  | CodeBlock
  | ArrayLiteral
  | Negated;

export interface Word extends Node {
  kind: 'word';
  /** Exact source text (for bare values: `input`, `10.0.0.0/8`, `21,22,1000-2000`, `1d2h`, `*1A`, `yes`). */
  text: string;
}

export type StringPart =
  | { kind: 'text'; text: string; range: Range }
  | { kind: 'interpolation'; value: VariableRef | Substitution | ParenExpr; range: Range };

export interface StringLiteral extends Node {
  kind: 'string';
  /** Source text including the quotes. */
  raw: string;
  /** Decoded text with escapes resolved and interpolations left as in the source (`$x`). */
  value: string;
  parts: StringPart[];
  /** True when the string contains no interpolation, so `value` is its runtime text. */
  constant: boolean;
  /**
   * When the string holds code (`source=`, `on-event=`, `on-up=`, ... and `:parse`/`:execute`
   * arguments), the nested script parsed from it, positions mapped back into the file.
   */
  embedded?: Script;
}

export interface VariableRef extends Node {
  kind: 'variable';
  /** Name without `$` and without quotes. */
  name: string;
  /** `$"quoted-name"` form. */
  quoted: boolean;
}

/** `[ command ]`: the command's return value. */
export interface Substitution extends Node {
  kind: 'substitution';
  statements: Statement[];
  closed: boolean;
}

/** `( expression )`. */
export interface ParenExpr extends Node {
  kind: 'paren';
  expression: Expression | null;
  closed: boolean;
}

/** `{ code }` as a value: `do={...}`, `source={...}`, `else={...}`, `on-error={...}`. */
export interface CodeBlock extends Node {
  kind: 'code';
  statements: Statement[];
  closed: boolean;
}

/** `{1;2;3}`, `{a=1;"b"=2}`, `{}`. */
export interface ArrayLiteral extends Node {
  kind: 'array';
  elements: ArrayElement[];
  closed: boolean;
}

export interface ArrayElement extends Node {
  key: Word | StringLiteral | null;
  value: Value | Expression | null;
}

/** `!value` as a property value: `src-address-list=!secured`, `dst-port=!1,2`. */
export interface Negated extends Node {
  kind: 'negated';
  value: Value | null;
}

export type Expression = BinaryExpr | UnaryExpr | Value;

export interface BinaryExpr extends Node {
  kind: 'binary';
  /**
   * `+ - * / % . , && || and or in ~ -> < > = <= >= != & | ^ << >> <%%`, or `' '` (a space) for two values
   * side by side inside `( )` (`where (a=1 b=2)`, `($arr->"k" $v)`), which RouterOS accepts.
   */
  operator: string;
  left: Expression | null;
  right: Expression | null;
}

export interface UnaryExpr extends Node {
  kind: 'unary';
  /** `!` or `-` */
  operator: string;
  operand: Expression | null;
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface SyntaxError {
  message: string;
  range: Range;
}

export interface ParseResult {
  script: Script;
  /** Syntax errors of the file itself (RouterOS would reject the file). */
  errors: SyntaxError[];
  /**
   * Syntax errors inside code held in constant strings (`source="..."`, `on-event="..."`, `:parse "..."`),
   * positions mapped into the file. RouterOS accepts the file (it stores such strings unparsed) but the
   * script would fail when it runs, so tools report these as warnings. Strings with `$var` interpolation
   * are parsed for navigation but never produce errors (their final text is only known at run time).
   */
  embeddedErrors?: SyntaxError[];
}
