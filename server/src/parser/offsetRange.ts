// Ranges of a parse, as file offsets: line and column are computed when read.
import type { Argument, Command, MenuPath, Position, Range, Value, VariableRef, Word } from './ast';
import type { LineIndex } from './lineIndex';

/**
 * The Range every node of a parse carries: two file offsets and the file's LineIndex. `start` and `end`
 * are computed when read (positionAt, with its cache), so a parse allocates no Position objects: about a
 * third of the objects a parse used to build, and the line lookups with them. Readers see the plain
 * `Range` shape (`range.start.line`); `toJSON` prints it as one. Writing `start`/`end` moves the offset.
 * Offsets are file offsets (code parsed out of a string is mapped back before its ranges are built).
 */
export class OffsetRange implements Range {
  readonly #lines: LineIndex;
  constructor(
    public startOffset: number,
    public endOffset: number,
    lines: LineIndex,
  ) {
    this.#lines = lines;
  }

  get start(): Position {
    return this.#lines.positionAt(this.startOffset);
  }
  set start(p: Position) {
    this.startOffset = p.offset;
  }
  get end(): Position {
    return this.#lines.positionAt(this.endOffset);
  }
  set end(p: Position) {
    this.endOffset = p.offset;
  }

  /** Another range in the same file. */
  at(startOffset: number, endOffset: number): OffsetRange {
    return new OffsetRange(startOffset, endOffset, this.#lines);
  }

  /** A range from this one's start to `other`'s end, in the same file. */
  to(other: Range): OffsetRange {
    return new OffsetRange(this.startOffset, endOffsetOf(other), this.#lines);
  }

  toJSON(): object {
    return { start: this.start, end: this.end };
  }
}

/**
 * A word node that is its own range (`word.range === word`): words are the most numerous nodes of a
 * parse (about 600k over the corpus), and a separate range object for each was a fifth of what a parse
 * allocated. Reads as the plain `Word` shape; `toJSON` prints it as one.
 */
export class WordNode extends OffsetRange implements Word {
  readonly kind = 'word' as const;
  constructor(
    public text: string,
    startOffset: number,
    endOffset: number,
    lines: LineIndex,
  ) {
    super(startOffset, endOffset, lines);
  }

  get range(): Range {
    return this;
  }

  override toJSON(): object {
    return { kind: this.kind, text: this.text, range: super.toJSON() };
  }
}

/**
 * An argument node that is its own range, with the range of its `=` (or operator) kept as two offsets
 * until read: a `name=value` argument is one object instead of three.
 */
export class ArgNode extends OffsetRange implements Argument {
  readonly kind = 'arg' as const;
  negatedName?: boolean;
  operator?: string;
  constructor(
    public name: Word | null,
    public value: Value | null,
    startOffset: number,
    endOffset: number,
    lines: LineIndex,
    /** File offsets of the `=` or operator; -1 when there is none. */
    public equalsStart = -1,
    public equalsEnd = -1,
  ) {
    super(startOffset, endOffset, lines);
  }

  get range(): Range {
    return this;
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
    out.range = super.toJSON();
    return out;
  }
}

/** A command node that is its own range. */
export class CommandNode extends OffsetRange implements Command {
  readonly kind = 'command' as const;
  callee?: VariableRef;
  constructor(
    public path: MenuPath | null,
    public verb: Word | null,
    public args: Argument[],
    startOffset: number,
    endOffset: number,
    lines: LineIndex,
  ) {
    super(startOffset, endOffset, lines);
  }

  get range(): Range {
    return this;
  }

  override toJSON(): object {
    const out: Record<string, unknown> = { kind: this.kind, path: this.path, verb: this.verb };
    if (this.callee) out.callee = this.callee;
    out.args = this.args;
    out.range = super.toJSON();
    return out;
  }
}

export function startOffsetOf(r: Range): number {
  return r instanceof OffsetRange ? r.startOffset : r.start.offset;
}

export function endOffsetOf(r: Range): number {
  return r instanceof OffsetRange ? r.endOffset : r.end.offset;
}
