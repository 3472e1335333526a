/**
 * Conditions and values (docs/language.md §12): `or`, `and`, `not`,
 * comparisons, `+ - * /`, unary minus, literals, lists, paths (`lead.field`),
 * `count(…)`, `on event`, `event within …`; and the pieces every part of the
 * grammar reads: signed numbers and durations (§2). Operator chains are read
 * in a loop, never by recursion per term.
 */
import { EOF, isRecognitionException, type IToken, type TokenType } from "chevrotain";
import type * as A from "../ast.js";
import * as T from "../tokens.js";
import { Kw } from "../tokens.js";
import { ParserBase } from "./base.js";
import { TOP_LEVEL } from "./tokenSets.js";

const COMPARE_TOKENS = [T.EqEq, T.NotEq, T.LessEq, T.GreaterEq, T.Less, T.Greater];
const COMPARE_OPS: Record<string, A.CompareOp> = {
  EqEq: "==",
  NotEq: "!=",
  LessEq: "<=",
  GreaterEq: ">=",
  Less: "<",
  Greater: ">",
};

/** The tokens that can start a comparison after an operand (`==`, `in`, `not in`, `is`, `between`, …). */
const CMP_FIRST = new Set<TokenType>([
  ...COMPARE_TOKENS,
  Kw.in, Kw.starts_with, Kw.ends_with, Kw.contains, Kw.matches, Kw.not, Kw.is, Kw.between,
]);

const EXPR_KINDS = new Set<string>(["Path", "Within", "Count", "Paren", "On", "List"]);

export class ExpressionParser extends ParserBase {
  private readonly signAlts = [{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }];
  private readonly mulOpAlts = [{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }];

  protected signedNumber = this.RULE("signedNumber", (): A.NumberLit => {
    let sign: IToken | undefined;
    const next = this.LA(1).tokenType;
    if (this.recording() || next === T.Plus || next === T.Minus) this.OPTION(() => {
      sign = this.OR(this.signAlts);
    });
    const n = this.CONSUME(T.NumberLiteral);
    return this.num(n, sign);
  });

  /** `14 days`, `1 month`, or a bare unit after `per` (`per day` is `per 1 day`). */
  protected duration = this.RULE(
    "duration",
    () => {
      const first = this.LA(1);
      const before = this.LA(0);
      const node = this.begin<A.Duration>({ kind: "Duration", range: this.tokRange(first) });
      if (this.recording() || first.tokenType === T.NumberLiteral) this.OPTION(() => (node.amount = this.num(this.CONSUME(T.NumberLiteral))));
      const u = this.CONSUME(T.AnyName);
      this.ACTION(() => {
        node.unit = this.name(u);
        if (!node.amount && !u.isInsertedInRecovery && before?.image !== "per") {
          this.extraErrors.push({
            code: "CR1002",
            message: `expected a number of ${u.image in T.TIME_UNITS ? u.image.replace(/s?$/, "s") : "days"} before \`${u.image}\` (as in \`14 days\`)`,
            range: this.tokRange(u),
          });
        } else if (!u.isInsertedInRecovery && !(u.image in T.TIME_UNITS)) {
          this.extraErrors.push({
            code: "CR1009",
            message: `\`${u.image}\` is not a time unit; use minutes, hours, days, weeks, months or years`,
            range: this.tokRange(u),
          });
        }
      });
      return this.finish(node);
    },
    this.recover,
  );

  private readonly compareAlts = COMPARE_TOKENS.map((tt) => ({ ALT: () => this.CONSUME(tt) }));

  protected compareOp = this.RULE("compareOp", (): { op: A.CompareOp; tok: IToken } => {
    const tok = this.OR(this.compareAlts);
    return { op: COMPARE_OPS[tok.tokenType?.name ?? ""] ?? "==", tok };
  });

  // ------------------------------------------------------------ expressions

  public expr = this.RULE("expr", (): A.Expr => {
    let left = this.SUBRULE(this.andExpr);
    // A repetition that ends its rule does nothing (not even recovery) unless
    // the next token can start it: skip building its closure otherwise.
    if (this.recording() || this.LA(1).tokenType === Kw.or) this.MANY(() => {
      const op = this.CONSUME(Kw.or);
      const right = this.SUBRULE2(this.andExpr);
      if (!this.recording()) left = this.bin("or", op, left, right);
    });
    return left;
  });

  /** A `where` filter: the same as `expr`, but `name within …` belongs to the enclosing rule. */
  protected whereExpr = this.RULE("whereExpr", (): A.Expr => {
    const saved = this.allowWithinExpr;
    this.ACTION(() => (this.allowWithinExpr = false));
    try {
      return this.SUBRULE(this.expr);
    } finally {
      this.ACTION(() => (this.allowWithinExpr = saved));
    }
  });

  private andExpr = this.RULE("andExpr", (): A.Expr => {
    let left = this.SUBRULE(this.notExpr);
    if (this.recording() || this.LA(1).tokenType === Kw.and) this.MANY(() => {
      const op = this.CONSUME(Kw.and);
      const right = this.SUBRULE2(this.notExpr);
      if (!this.recording()) left = this.bin("and", op, left, right);
    });
    return left;
  });

  private readonly notExprAlts = [
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.not);
          let operand: A.Expr;
          try {
            if (this.enter(kw)) this.skipRun(Kw.not);
            operand = this.SUBRULE(this.notExpr);
          } finally {
            this.leave();
          }
          return this.ACTION(
            (): A.Expr => ({
              kind: "Unary",
              op: "not",
              operand,
              range: { start: this.tokRange(kw).start, end: this.at(operand, this.tokRange(kw)).end },
            }),
          );
        },
      },
      { ALT: () => this.SUBRULE(this.cmpExpr) },
  ];

  private notExpr = this.RULE("notExpr", (): A.Expr => {
    return this.OR(this.notExprAlts);
  });

  private readonly textOpAlts = [
    { ALT: () => this.CONSUME(Kw.in) },
    { ALT: () => this.CONSUME(Kw.starts_with) },
    { ALT: () => this.CONSUME(Kw.ends_with) },
    { ALT: () => this.CONSUME(Kw.contains) },
    { ALT: () => this.CONSUME(Kw.matches) },
  ];

  /** The operand before the comparison being read (the alternatives below are built once, so they cannot capture it). */
  private cmpLeft: A.Expr | undefined;

  private readonly cmpAlts = [
    {
      ALT: (): A.Expr | undefined => {
        const left = this.cmpLeft;
        const op = this.SUBRULE(this.compareOp);
        const right = this.SUBRULE2(this.addExpr);
        if (this.recording()) return undefined;
        return op ? this.bin(op.op, op.tok, left, right) : left;
      },
    },
    {
      ALT: (): A.Expr | undefined => {
        const left = this.cmpLeft;
        const op = this.OR2(this.textOpAlts);
        const right = this.SUBRULE3(this.addExpr);
        if (this.recording()) return undefined;
        return this.bin(op.image as A.BinaryOp, op, left, right);
      },
    },
    {
      ALT: (): A.Expr | undefined => {
        const left = this.cmpLeft;
        const notTok = this.CONSUME(Kw.not);
        const inTok = this.CONSUME2(Kw.in);
        const right = this.SUBRULE4(this.addExpr);
        if (this.recording()) return undefined;
        const b = this.bin("not in", notTok, left, right);
        b.opRange = { start: this.tokRange(notTok).start, end: this.tokRange(inTok).end };
        if (!right) b.range = { start: b.range.start, end: b.opRange.end };
        return b;
      },
    },
    {
      ALT: (): A.Expr | undefined => {
        const left = this.cmpLeft;
        const kw = this.CONSUME(Kw.is);
        const test = this.CONSUME(T.Identifier);
        if (this.recording()) return undefined;
        return {
          kind: "Is",
          operand: left,
          test: this.name(test),
          range: { start: this.at(left, this.tokRange(kw)).start, end: this.tokRange(test).end },
        };
      },
    },
    {
      ALT: (): A.Expr | undefined => {
        const left = this.cmpLeft;
        const kw = this.CONSUME(Kw.between);
        const low = this.SUBRULE5(this.addExpr);
        this.CONSUME(Kw.and);
        const high = this.SUBRULE6(this.addExpr);
        if (this.recording()) return undefined;
        return {
          kind: "Between",
          operand: left,
          low,
          high,
          range: { start: this.at(left, this.tokRange(kw)).start, end: this.at(high ?? low, this.tokRange(kw)).end },
        };
      },
    },
  ];

  private readonly cmpOption = (): A.Expr | undefined => this.OR(this.cmpAlts);

  private cmpExpr = this.RULE("cmpExpr", (): A.Expr => {
    const left = this.SUBRULE(this.addExpr);
    // The option is only entered when the next token can start it (the
    // grammar is still recorded in full); it hands back the whole comparison.
    if (this.recording() || CMP_FIRST.has(this.LA(1).tokenType)) {
      this.cmpLeft = left;
      // Not taken (its lookahead is finer than CMP_FIRST, e.g. `not` without `in`): the operand alone.
      return this.OPTION(this.cmpOption) ?? left;
    }
    return left;
  });

  private addExpr = this.RULE("addExpr", (): A.Expr => {
    let left = this.SUBRULE(this.mulExpr);
    const next = this.LA(1).tokenType;
    if (this.recording() || next === T.Plus || next === T.Minus) this.MANY(() => {
      const op = this.OR(this.signAlts);
      const right = this.SUBRULE2(this.mulExpr);
      if (!this.recording()) left = this.bin(op.image as A.BinaryOp, op, left, right);
    });
    return left;
  });

  private mulExpr = this.RULE("mulExpr", (): A.Expr => {
    let left = this.SUBRULE(this.unaryExpr);
    const next = this.LA(1).tokenType;
    if (this.recording() || next === T.Star || next === T.Slash) this.MANY(() => {
      const op = this.OR(this.mulOpAlts);
      const right = this.SUBRULE2(this.unaryExpr);
      if (!this.recording()) left = this.bin(op.image as A.BinaryOp, op, left, right);
    });
    return left;
  });

  private unaryExpr = this.RULE("unaryExpr", (): A.Expr => {
    try {
      return this.unaryAlternatives();
    } catch (e) {
      // No value at all where one is needed (`fit >=` then a new line): see `primary`.
      if (!isRecognitionException(e as Error)) throw e;
      return undefined as unknown as A.Expr;
    }
  });

  private unaryAlternatives(): A.Expr {
    return this.OR(this.unaryAlts);
  }

  private readonly unaryAlts = [
      {
        ALT: () => {
          const m = this.CONSUME(T.Minus);
          let operand: A.Expr;
          try {
            if (this.enter(m)) this.skipRun(T.Minus);
            operand = this.SUBRULE(this.unaryExpr);
          } finally {
            this.leave();
          }
          return this.ACTION((): A.Expr => {
            if (operand && operand.kind === "Number") {
              return { ...operand, value: -operand.value, text: "-" + operand.text, range: { start: this.tokRange(m).start, end: operand.range.end } };
            }
            return { kind: "Unary", op: "-", operand, range: { start: this.tokRange(m).start, end: this.at(operand, this.tokRange(m)).end } };
          });
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
  ];

  private primary = this.RULE(
    "primary",
    (): A.Expr => {
      try {
        return this.primaryAlternatives();
      } catch (e) {
        // A missing or broken value ends the condition here: the error is
        // already recorded, and the enclosing rules carry on with what was
        // read (`fit >=` keeps `fit`), so the next declaration still parses.
        if (!isRecognitionException(e as Error)) throw e;
        const idx = this.ruleStackIdx();
        const partial = (this.partials[idx] ?? this.partials[idx + 1]) as A.Expr | undefined;
        return (partial && EXPR_KINDS.has(partial.kind) ? this.finish(partial) : undefined) as A.Expr;
      }
    },
    this.recover,
  );

  private primaryAlternatives(): A.Expr {
    return this.OR(this.primaryAlts);
  }

  private readonly primaryAlts = [
        { ALT: () => this.num(this.CONSUME(T.NumberLiteral)) as A.Expr },
        { ALT: () => this.str(this.CONSUME(T.StringLiteral)) as A.Expr },
        {
          ALT: () => {
            const t = this.CONSUME(T.DateLiteral);
            return { kind: "Date", text: t.image, range: this.tokRange(t) } as A.Expr;
          },
        },
        {
          ALT: () => {
            const t = this.OR2(this.boolAlts);
            return { kind: "Bool", value: t.image === "true", range: this.tokRange(t) } as A.Expr;
          },
        },
        { ALT: () => this.SUBRULE(this.listLit) },
        {
          ALT: () => {
            const lp = this.CONSUME(T.LParen);
            const node = this.begin<A.ParenExpr>({ kind: "Paren", range: this.tokRange(lp) });
            try {
              // Too deep: a parenthesis with nothing read inside (the error says why).
              if (this.enter(lp)) this.skipNested();
              else node.inner = this.SUBRULE(this.expr);
            } finally {
              this.leave();
            }
            this.CONSUME(T.RParen);
            return this.finish(node) as A.Expr;
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(Kw.stage);
            return { kind: "StageRef", range: this.tokRange(t) } as A.Expr;
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(Kw.count);
            const node = this.begin<A.CountExpr>({ kind: "Count", range: this.tokRange(kw) });
            const lp = this.CONSUME2(T.LParen);
            try {
              if (this.enter(lp)) this.skipNested();
              else {
                node.event = this.name(this.CONSUME(T.Identifier));
                this.OPTION(() => {
                  this.CONSUME(Kw.where);
                  node.where = this.SUBRULE(this.whereExpr);
                });
                this.OPTION2(() => {
                  this.CONSUME(Kw.within);
                  node.within = this.SUBRULE(this.duration);
                });
              }
            } finally {
              this.leave();
            }
            this.CONSUME2(T.RParen);
            return this.finish(node) as A.Expr;
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(Kw.on);
            const node = this.begin<A.OnExpr>({ kind: "On", range: this.tokRange(kw) });
            node.event = this.name(this.CONSUME2(T.Identifier));
            return this.finish(node) as A.Expr;
          },
        },
        { ALT: () => this.SUBRULE(this.pathExpr) },
  ];

  private readonly boolAlts = [{ ALT: () => this.CONSUME(Kw.true) }, { ALT: () => this.CONSUME(Kw.false) }];

  private readonly pathHeadAlts = [{ ALT: () => this.CONSUME(Kw.lead) }, { ALT: () => this.CONSUME(T.Identifier) }];

  /** The `.` before the field name being read, and that name (no closures per segment). */
  private pathDot: IToken | undefined;
  private pathSegment: IToken | undefined;
  private readonly pathSegmentOption = {
    GATE: () => !(TOP_LEVEL.has(this.LA(1).tokenType) && (this.LA(1).startLine ?? 0) > (this.pathDot?.endLine ?? 0)),
    DEF: () => (this.pathSegment = this.CONSUME(T.AnyName)),
  };

  /** One `.field` of the path being read (built once: the path is the node its rule is building). */
  private readonly pathSegments = (): void => {
    const node = this.partials[this.ruleStackIdx()] as A.PathExpr;
    const dot = this.CONSUME(T.Dot);
    // `lead.` at the end of a line followed by the next declaration is
    // half-typed text: the declaration keyword is not a field name.
    this.pathDot = dot;
    this.pathSegment = undefined;
    this.OPTION2(this.pathSegmentOption);
    const seg = this.pathSegment;
    if (this.recording()) return;
    if (seg) node.segments.push(this.name(seg));
    else if (!dot.isInsertedInRecovery) {
      const next = this.LA(1);
      this.extraErrors.push({
        code: "CR1002",
        message: `expected a field name after \`.\`, ${next.tokenType === EOF ? "the file ended" : `found \`${next.image}\``}`,
        range: this.tokRange(dot),
      });
    }
  };

  private pathExpr = this.RULE(
    "pathExpr",
    (): A.Expr => {
      const head = this.OR(this.pathHeadAlts);
      const node = this.begin<A.PathExpr>({ kind: "Path", head: this.name(head), segments: [], range: this.tokRange(head) });
      this.MANY(this.pathSegments);
      this.finish(node);
      let result: A.Expr = node;
      // Entered only at `within` (its first token): skip building the closures otherwise.
      if (this.recording() || this.LA(1).tokenType === Kw.within) this.OPTION({
        GATE: () => this.allowWithinExpr && node.segments.length === 0 && head.image !== "lead",
        DEF: () => {
          this.CONSUME(Kw.within);
          const d = this.SUBRULE(this.duration);
          result = this.ACTION(
            (): A.Expr => ({
              kind: "Within",
              event: node.head,
              within: d,
              range: { start: node.range.start, end: this.at(d, node.range).end },
            }),
          );
        },
      });
      return result;
    },
    this.recover,
  );

  private listLit = this.RULE(
    "listLit",
    (): A.Expr => {
      const lb = this.CONSUME(T.LBracket);
      const node = this.begin<A.ListLit>({ kind: "List", items: [], range: this.tokRange(lb) });
      let tooDeep = false;
      try {
        if ((tooDeep = this.enter(lb))) this.skipNested();
        else
          this.MANY_SEP({
            SEP: T.Comma,
            DEF: () => {
              const e = this.SUBRULE(this.expr);
              if (e && !this.recording()) node.items.push(e);
            },
          });
      } finally {
        this.leave();
      }
      this.CONSUME(T.RBracket);
      // Too deep: nothing was read inside; a parenthesis with no content stands for it (no empty-list findings).
      if (tooDeep) return this.finish<A.Expr>({ kind: "Paren", range: node.range });
      return this.finish(node) as A.Expr;
    },
    this.recover,
  );
}
