// Ranges of a parse, as file offsets: line and column are computed when read.
//
// Every range in a parse tree is two file offsets and the file's LineIndex. `start` and `end` are
// computed when read (positionAt, with its cache), so a parse allocates no Position objects (about a
// third of the objects a parse used to build, and a line lookup each). The most numerous nodes (words,
// arguments, commands, strings) are their own range (`node.range === node`), which saves one more object
// per node. Readers see the plain shapes of ast.ts (`node.range.start.line`); `toJSON` prints them as
// plain values. Offsets are file offsets: code parsed out of a string is mapped back before its ranges
// are built.
//
// Speed: the base class has no constructor work and no field declarations; each concrete class assigns
// all its own fields in its own constructor, so every construction site stays monomorphic. (A shared base
// constructor that defines fields runs its stores on every subclass's objects, and with five classes
// those stores go megamorphic: that alone made a parse 40% slower.) The LineIndex sits under a symbol key,
// so Object.keys/entries, for-in, JSON and deepEqual do not walk into it.
import type {
  Argument, BinaryExpr, Command, Expression, MenuPath, ParenExpr, Position, Range, Script, StringLiteral, StringPart, Value,
  VariableRef, Word,
} from './ast';
import type { LineIndex } from './lineIndex';

const LINES: unique symbol = Symbol('lines');
const PARTS: unique symbol = Symbol('parts');
const RAW: unique symbol = Symbol('raw');

/** What every offset-based range and node shares: the offsets, the line index, and the Range getters. */
export abstract class Ranged implements Range {
  declare startOffset: number;
  declare endOffset: number;
  declare [LINES]: LineIndex;

  get start(): Position {
    return this[LINES].positionAt(this.startOffset);
  }
  set start(p: Position) {
    this.startOffset = p.offset;
  }
  get end(): Position {
    return this[LINES].positionAt(this.endOffset);
  }
  set end(p: Position) {
    this.endOffset = p.offset;
  }

  /** A node is its own range (`node.range === node`); for a bare range this is the range itself. */
  get range(): Range {
    return this;
  }

  /** Another range in the same file. */
  at(startOffset: number, endOffset: number): OffsetRange {
    return new OffsetRange(startOffset, endOffset, this[LINES]);
  }

  /** A range from this one's start to `other`'s end, in the same file. */
  to(other: Range): OffsetRange {
    return new OffsetRange(this.startOffset, endOffsetOf(other), this[LINES]);
  }

  /** The plain `{ start, end }` of this range. */
  rangeJSON(): Range {
    return { start: this.start, end: this.end };
  }

  toJSON(): object {
    return this.rangeJSON();
  }
}

/** A range and nothing else. */
export class OffsetRange extends Ranged {
  constructor(startOffset: number, endOffset: number, lines: LineIndex) {
    super();
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this[LINES] = lines;
  }
}

/** A word node that is its own range (`word.range === word`). */
export class WordNode extends Ranged implements Word {
  declare readonly kind: 'word';
  declare text: string;
  constructor(text: string, startOffset: number, endOffset: number, lines: LineIndex) {
    super();
    this.text = text;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this[LINES] = lines;
  }

  override toJSON(): object {
    return { kind: this.kind, text: this.text, range: this.rangeJSON() };
  }
}

/**
 * An argument node that is its own range, with the range of its `=` (or operator) kept as two offsets
 * until read: a `name=value` argument is one object instead of three.
 */
export class ArgNode extends Ranged implements Argument {
  declare readonly kind: 'arg';
  declare name: Word | null;
  declare value: Value | null;
  /** File offsets of the `=` or operator; -1 when there is none. */
  declare equalsStart: number;
  declare equalsEnd: number;
  /** Rare: set only on the arguments that have them (absent otherwise, saving two fields per argument). */
  declare negatedName?: boolean;
  declare operator?: string;
  constructor(name: Word | null, value: Value | null, startOffset: number, endOffset: number, lines: LineIndex) {
    super();
    this.name = name;
    this.value = value;
    this.equalsStart = -1;
    this.equalsEnd = -1;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this[LINES] = lines;
  }

  get equals(): Range | undefined {
    return this.equalsStart < 0 ? undefined : this.at(this.equalsStart, this.equalsEnd);
  }

  override toJSON(): object {
    const out: Record<string, unknown> = { kind: this.kind, name: this.name };
    if (this.equalsStart >= 0) out.equals = this.equals;
    out.value = this.value;
    if (this.negatedName) out.negatedName = true;
    if (this.operator !== undefined) out.operator = this.operator;
    out.range = this.rangeJSON();
    return out;
  }
}

/**
 * A positional argument (`set 0`, `:local x 5`, `[find]`): the value alone, no name and no `=`. A class of
 * its own with three fields fewer than ArgNode (about 40% of arguments are positional).
 */
export class PositionalArgNode extends Ranged implements Argument {
  declare readonly kind: 'arg';
  declare value: Value | null;
  constructor(value: Value | null, startOffset: number, endOffset: number, lines: LineIndex) {
    super();
    this.value = value;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this[LINES] = lines;
  }

  get name(): null {
    return null;
  }

  get equals(): undefined {
    return undefined;
  }

  override toJSON(): object {
    return { kind: this.kind, name: null, value: this.value, range: this.rangeJSON() };
  }
}

/** A command node that is its own range. */
export class CommandNode extends Ranged implements Command {
  declare readonly kind: 'command';
  declare path: MenuPath | null;
  declare verb: Word | null;
  /** Set only on function calls (`$f a=1`). */
  declare callee?: VariableRef;
  declare args: Argument[];
  constructor(path: MenuPath | null, verb: Word | null, args: Argument[], startOffset: number, endOffset: number, lines: LineIndex) {
    super();
    this.path = path;
    this.verb = verb;
    this.args = args;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this[LINES] = lines;
  }

  override toJSON(): object {
    const out: Record<string, unknown> = { kind: this.kind, path: this.path, verb: this.verb };
    if (this.callee) out.callee = this.callee;
    out.args = this.args;
    out.range = this.rangeJSON();
    return out;
  }
}

/**
 * A string literal that is its own range. A string without escapes or `$` (most of them) keeps no parts
 * array: its single text part is built when `parts` is first read. Readers that only look for
 * interpolations skip `parts` when `constant` is true.
 */
export class StringNode extends Ranged implements StringLiteral {
  declare readonly kind: 'string';
  declare [RAW]: string | null;
  declare value: string;
  declare constant: boolean;
  /** Set only on strings that hold code. */
  declare embedded?: Script;
  declare [PARTS]: StringPart[] | null;
  constructor(
    raw: string,
    value: string,
    constant: boolean,
    /** null: one text part over the content between the quotes (the value is that content). */
    parts: StringPart[] | null,
    startOffset: number,
    endOffset: number,
    lines: LineIndex,
  ) {
    super();
    // a plain string's source text is its value between quotes: rebuilt when read, not kept
    this[RAW] = parts === null ? null : raw;
    this.value = value;
    this.constant = constant;
    this[PARTS] = parts;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this[LINES] = lines;
  }

  /** Source text including the quotes. */
  get raw(): string {
    return this[RAW] ?? `"${this.value}"`;
  }

  get parts(): StringPart[] {
    let p = this[PARTS];
    if (p === null) {
      p = this.value === '' ? [] : [{ kind: 'text', text: this.value, range: this.at(this.startOffset + 1, this.endOffset - 1) }];
      this[PARTS] = p;
    }
    return p;
  }
  set parts(p: StringPart[]) {
    this[PARTS] = p;
  }

  override toJSON(): object {
    const out: Record<string, unknown> = { kind: this.kind, raw: this.raw, value: this.value, parts: this.parts, constant: this.constant };
    if (this.embedded) out.embedded = this.embedded;
    out.range = this.rangeJSON();
    return out;
  }
}

/** A variable reference that is its own range. */
export class VariableNode extends Ranged implements VariableRef {
  declare readonly kind: 'variable';
  declare name: string;
  declare quoted: boolean;
  constructor(name: string, quoted: boolean, startOffset: number, endOffset: number, lines: LineIndex) {
    super();
    this.name = name;
    this.quoted = quoted;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this[LINES] = lines;
  }

  override toJSON(): object {
    return { kind: this.kind, name: this.name, quoted: this.quoted, range: this.rangeJSON() };
  }
}

/** A `( )` expression that is its own range. */
export class ParenNode extends Ranged implements ParenExpr {
  declare readonly kind: 'paren';
  declare expression: Expression | null;
  declare closed: boolean;
  constructor(expression: Expression | null, closed: boolean, startOffset: number, endOffset: number, lines: LineIndex) {
    super();
    this.expression = expression;
    this.closed = closed;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this[LINES] = lines;
  }

  override toJSON(): object {
    return { kind: this.kind, expression: this.expression, closed: this.closed, range: this.rangeJSON() };
  }
}

/** A binary expression that is its own range. */
export class BinaryNode extends Ranged implements BinaryExpr {
  declare readonly kind: 'binary';
  declare operator: string;
  declare left: Expression | null;
  declare right: Expression | null;
  constructor(operator: string, left: Expression | null, right: Expression | null, startOffset: number, endOffset: number, lines: LineIndex) {
    super();
    this.operator = operator;
    this.left = left;
    this.right = right;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this[LINES] = lines;
  }

  override toJSON(): object {
    return { kind: this.kind, operator: this.operator, left: this.left, right: this.right, range: this.rangeJSON() };
  }
}

/** The LineIndex a range resolves its positions through. For incremental.ts. */
export function linesOf(r: Ranged): LineIndex {
  return r[LINES];
}

/** The parts a string node holds (null: a plain string whose one part is built when read). For incremental.ts. */
export function heldParts(s: StringNode): StringPart[] | null {
  return s[PARTS];
}

export function startOffsetOf(r: Range): number {
  return r instanceof Ranged ? r.startOffset : r.start.offset;
}

export function endOffsetOf(r: Range): number {
  return r instanceof Ranged ? r.endOffset : r.end.offset;
}

// `kind` lives on each class's prototype (one field less on every node); it still reads as node.kind.
Object.defineProperty(WordNode.prototype, 'kind', { value: 'word', enumerable: true });
Object.defineProperty(ArgNode.prototype, 'kind', { value: 'arg', enumerable: true });
Object.defineProperty(PositionalArgNode.prototype, 'kind', { value: 'arg', enumerable: true });
Object.defineProperty(CommandNode.prototype, 'kind', { value: 'command', enumerable: true });
Object.defineProperty(StringNode.prototype, 'kind', { value: 'string', enumerable: true });
Object.defineProperty(VariableNode.prototype, 'kind', { value: 'variable', enumerable: true });
Object.defineProperty(ParenNode.prototype, 'kind', { value: 'paren', enumerable: true });
Object.defineProperty(BinaryNode.prototype, 'kind', { value: 'binary', enumerable: true });
