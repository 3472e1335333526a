/**
 * The base of the parser's layers: its state between rules, the construction
 * of nodes and ranges (`begin`, `finish`, `tokRange`, `name`, `str`, `num`,
 * `bin`), and the nesting limit (`enter`, `leave`, `skipNested`).
 *
 * The grammar is one Chevrotain parser split into layers by class
 * inheritance, as Chevrotain's grammar inheritance does (each layer's rules
 * are class fields, defined when the instance is built; `performSelfAnalysis`
 * runs once, in the last class, `CrmParser` in ../parser.ts): base.ts →
 * expressions.ts → schema.ts → scoring.ts → routing.ts → workflows.ts →
 * journeys.ts → ../parser.ts. A layer uses the rules of the layers below it.
 * What relies on Chevrotain's internals is in recovery.ts, below them all.
 */
import { EOF, type IToken, type TokenType } from "chevrotain";
import type * as A from "../ast.js";
import type { Range } from "../../text/positions.js";
import * as T from "../tokens.js";
import { crmErrorMessages } from "../errorMessages.js";
import { RecoveringParser } from "./recovery.js";
import { lazyLookahead } from "./lazyLookahead.js";
import { CLOSERS, OPENERS, TOP_LEVEL } from "./tokenSets.js";
import type { DiagnosticCode } from "../../diagnostics/catalogue.js";

export type Mutable<N> = { -readonly [K in keyof N]: N[K] };

export class ParserBase extends RecoveringParser {
  /** False while parsing a `where` filter, where `within` belongs to the enclosing rule. */
  protected allowWithinExpr = true;
  /** Problems the grammar itself cannot express (e.g. two `otherwise` in a route). */
  extraErrors: { message: string; range: Range; code: DiagnosticCode }[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the partial node of whichever rule is recovering
  protected readonly recover = {
    recoveryValueFunc: (): any => {
      const partial = this.partials[this.ruleStackIdx()] as A.Node | undefined;
      // The node covers what the rule consumed, including the tokens skipped to recover.
      return partial ? this.finish(partial) : undefined;
    },
  };

  constructor() {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      // Each decision's lookahead is computed when the input first reaches it (lazyLookahead.ts).
      lookaheadStrategy: lazyLookahead(3),
      errorMessageProvider: crmErrorMessages,
      skipValidations: process.env.NODE_ENV === "production",
    });
  }

  /**
   * The range of each token read so far, by its start offset. A token's
   * positions are built once and shared by every node that starts or ends at
   * that token (nothing mutates a range or a position): a large workspace's
   * trees hold far fewer objects, which is most of what collecting them costs.
   */
  private tokenRanges: (Range | undefined)[] = [];

  /** Nesting depth of the expression or type being read (see MAX_NESTING). */
  private depth = 0;
  /** CR1011 was reported for the outermost expression being read (one report per expression). */
  private deepReported = false;

  /** Forgets the state of the previous parse (the instance is reused); `textLength` sizes the range cache. */
  resetState(textLength = 0): void {
    this.partials = [];
    this.allowWithinExpr = true;
    this.extraErrors = [];
    this.depth = 0;
    this.deepReported = false;
    this.tokenRanges = new Array<Range | undefined>(textLength + 1);
  }

  // ------------------------------------------------------------ helpers

  protected begin<N extends A.Node>(node: N): N {
    this.partials[this.ruleStackIdx()] = node;
    return node;
  }

  /** The range of a token; tokens inserted by recovery get an empty range after the previous token. */
  tokRange(t: IToken): Range {
    if (t === undefined || Number.isNaN(t.startOffset) || t.startOffset < 0 || t.isInsertedInRecovery) {
      const prev = this.LA(0);
      if (prev && !Number.isNaN(prev.startOffset) && prev.startOffset >= 0 && prev.endOffset !== undefined) {
        const p = { line: (prev.endLine ?? 1) - 1, character: prev.endColumn ?? 0, offset: prev.endOffset + 1 };
        return { start: p, end: p };
      }
      const z = { line: 0, character: 0, offset: 0 };
      return { start: z, end: z };
    }
    const cached = this.tokenRanges[t.startOffset];
    if (cached !== undefined) return cached;
    const range = {
      start: { line: t.startLine! - 1, character: t.startColumn! - 1, offset: t.startOffset },
      end: { line: t.endLine! - 1, character: t.endColumn!, offset: t.endOffset! + 1 },
    };
    this.tokenRanges[t.startOffset] = range;
    return range;
  }

  /** Extends `node.range` to the end of the last consumed token. */
  protected finish<N extends A.Node>(node: N): N {
    const prev = this.LA(0);
    if (prev && !Number.isNaN(prev.startOffset) && prev.startOffset >= 0 && !prev.isInsertedInRecovery) {
      const endOffset = prev.endOffset! + 1;
      if (node.range.start.offset < endOffset && endOffset <= node.range.end.offset) return node;
      const end = this.tokRange(prev).end;
      // A node that read nothing (it started at a token it never consumed)
      // is an empty range where it was expected.
      if (node.range.start.offset >= end.offset) node.range = { start: end, end };
      else if (end.offset > node.range.end.offset) node.range = { start: node.range.start, end };
    }
    return node;
  }

  protected name(t: IToken): A.Name {
    return { kind: "Name", text: t.image, range: this.tokRange(t) };
  }

  protected str(t: IToken): A.StringLit {
    return { kind: "String", value: unquote(t.image), range: this.tokRange(t) };
  }

  protected num(t: IToken, sign?: IToken): A.NumberLit {
    const r = this.tokRange(t);
    const negative = sign?.image === "-";
    const value = Number(t.image);
    return {
      kind: "Number",
      value: Number.isNaN(value) ? 0 : negative ? -value : value,
      text: (sign && !sign.isInsertedInRecovery ? sign.image : "") + t.image,
      range: sign && !sign.isInsertedInRecovery ? { start: this.tokRange(sign).start, end: r.end } : r,
    };
  }

  /**
   * Entering one more level of nesting at `tok`: false (and nothing happens)
   * while under MAX_NESTING; at the limit, reports CR1011 once for the
   * expression and returns true: the caller then skips what is nested.
   * Every call is paired with `leave()` (in a `finally`).
   */
  protected enter(tok: IToken): boolean {
    this.depth++;
    if (this.depth <= MAX_NESTING || this.recording()) return false;
    if (!this.deepReported) {
      this.deepReported = true;
      this.extraErrors.push({
        code: "CR1011",
        message: `this is nested more than ${MAX_NESTING} levels deep (parentheses, brackets, \`not\` or \`-\`); write it in smaller parts, for example with a \`set\` or separate conditions`,
        range: this.tokRange(tok),
      });
    }
    return true;
  }

  protected leave(): void {
    if (--this.depth === 0) this.deepReported = false;
  }

  /**
   * Skips the rest of a nested part that is too deep, up to (not including)
   * the closer that ends it, without recursion. Stops early at the end of the
   * file and at a declaration keyword that starts a line, so an unclosed
   * bracket never swallows the declarations after it.
   */
  protected skipNested(): void {
    const skip = (): IToken => this.skipToken();
    let level = 0;
    for (;;) {
      const t = this.LA(1);
      const tt = t.tokenType;
      if (tt === EOF) return;
      if (OPENERS.has(tt)) level++;
      else if (CLOSERS.has(tt)) {
        if (level === 0) return;
        level--;
      } else if (TOP_LEVEL.has(tt) && (t.startLine ?? 0) > (this.LA(0).endLine ?? 0)) return;
      skip();
    }
  }

  /** Skips a run of the same prefix token (`not not not …`, `- - - …`) past the nesting limit. */
  protected skipRun(type: TokenType): void {
    const skip = (): IToken => this.skipToken();
    while (this.LA(1).tokenType === type) skip();
  }

  protected at(node: { range?: Range } | undefined, fallback: Range): Range {
    return node && node.range ? node.range : fallback;
  }

  protected bin(op: A.BinaryOp, opTok: IToken, left: A.Expr | undefined, right: A.Expr | undefined): A.BinaryExpr {
    const opRange = this.tokRange(opTok);
    return {
      kind: "Binary",
      op,
      opRange,
      left,
      right,
      range: { start: this.at(left, opRange).start, end: this.at(right, opRange).end },
    };
  }

  /** The node the current rule is building (for parts built once, which cannot capture it). */
  protected building<N>(): N {
    return this.partials[this.ruleStackIdx()] as N;
  }
}

/**
 * How deeply parentheses, brackets, `not`, unary `-`, `count(…)` and type
 * arguments may nest. Each level costs the recursive-descent parser a dozen
 * stack frames; past this, one CR1011 is reported at the place and the nested
 * text is skipped, so the rest of the file still parses. (Operator chains such
 * as `a and b and …` are not nesting: they are read in a loop, at any length.)
 */
export const MAX_NESTING = 64;

export function unquote(image: string): string {
  const body = image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  if (!body.includes("\\")) return body;
  return body.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}
