/**
 * The Chevrotain parser. It builds the AST directly (embedded actions, no CST)
 * and never fails: on an error it recovers (single-token insertion/deletion,
 * re-sync to the next token that can follow) and the node that was being
 * built is kept with whatever it had parsed so far.
 */
import { EmbeddedActionsParser, EOF, isRecognitionException, tokenMatcher, type IToken, type TokenType } from "chevrotain";
import type * as A from "./ast.js";
import type { Range } from "../text/positions.js";
import * as T from "./tokens.js";
import { Kw } from "./tokens.js";
import { crmErrorMessages } from "./errorMessages.js";

type Mutable<N> = { -readonly [K in keyof N]: N[K] };

const COMPARE_TOKENS = [T.EqEq, T.NotEq, T.LessEq, T.GreaterEq, T.Less, T.Greater];
const COMPARE_OPS: Record<string, A.CompareOp> = {
  EqEq: "==",
  NotEq: "!=",
  LessEq: "<=",
  GreaterEq: ">=",
  Less: "<",
  Greater: ">",
};

const baseCanInsert = (EmbeddedActionsParser.prototype as unknown as {
  canRecoverWithSingleTokenInsertion(t: TokenType, f: TokenType[]): boolean;
}).canRecoverWithSingleTokenInsertion;

/** The tokens that can start a comparison after an operand (`==`, `in`, `not in`, `is`, `between`, …). */
const CMP_FIRST = new Set<TokenType>([
  ...COMPARE_TOKENS,
  Kw.in, Kw.starts_with, Kw.ends_with, Kw.contains, Kw.matches, Kw.not, Kw.is, Kw.between,
]);

const EXPR_KINDS = new Set<string>(["Path", "Within", "Count", "Paren", "On", "List"]);
const TOP_LEVEL = new Set<TokenType>(T.TOP_LEVEL_KEYWORDS.map((k) => Kw[k]));
/** Tokens that can start a declaration or import. */
const DECL_START = TOP_LEVEL;

const DECL_KINDS = new Set<string>([
  "Lead", "Event", "Set", "Score", "Grade", "Stage", "Reenter", "Owner", "Queue", "Team", "Route", "Consent", "Action", "Workflow", "Journey",
]);

export class CrmParser extends EmbeddedActionsParser {
  /** The node each active rule is building, indexed by rule-stack depth (for recovery). */
  private partials: unknown[] = [];
  /** False while parsing a `where` filter, where `within` belongs to the enclosing rule. */
  private allowWithinExpr = true;
  /** Problems the grammar itself cannot express (e.g. two `otherwise` in a route). */
  extraErrors: { message: string; range: Range; code: string }[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the partial node of whichever rule is recovering
  private readonly recover = {
    recoveryValueFunc: (): any => {
      const partial = this.partials[(this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX] as A.Node | undefined;
      // The node covers what the rule consumed, including the tokens skipped to recover.
      return partial ? this.finish(partial) : undefined;
    },
  };

  constructor() {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: crmErrorMessages,
      skipValidations: process.env.NODE_ENV === "production",
    });
    this.performSelfAnalysis();
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

  private begin<N extends A.Node>(node: N): N {
    this.partials[(this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX] = node;
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
  private finish<N extends A.Node>(node: N): N {
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

  private name(t: IToken): A.Name {
    return { kind: "Name", text: t.image, range: this.tokRange(t) };
  }

  private str(t: IToken): A.StringLit {
    return { kind: "String", value: unquote(t.image), range: this.tokRange(t) };
  }

  private num(t: IToken, sign?: IToken): A.NumberLit {
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
  private enter(tok: IToken): boolean {
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

  private leave(): void {
    if (--this.depth === 0) this.deepReported = false;
  }

  /**
   * Skips the rest of a nested part that is too deep, up to (not including)
   * the closer that ends it, without recursion. Stops early at the end of the
   * file and at a declaration keyword that starts a line, so an unclosed
   * bracket never swallows the declarations after it.
   */
  private skipNested(): void {
    const skip = (this as unknown as { SKIP_TOKEN(): IToken }).SKIP_TOKEN.bind(this);
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
  private skipRun(type: TokenType): void {
    const skip = (this as unknown as { SKIP_TOKEN(): IToken }).SKIP_TOKEN.bind(this);
    while (this.LA(1).tokenType === type) skip();
  }

  private at(node: { range?: Range } | undefined, fallback: Range): Range {
    return node && node.range ? node.range : fallback;
  }

  private bin(op: A.BinaryOp, opTok: IToken, left: A.Expr | undefined, right: A.Expr | undefined): A.BinaryExpr {
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

  // ------------------------------------------------------------ file

  private readonly fileItemAlts = [
    {
      ALT: () => {
        const file = this.building<A.CrmFile>();
        const i = this.SUBRULE(this.importDecl);
        if (i && !this.recording()) file.imports.push(i);
      },
    },
    {
      ALT: () => {
        const file = this.building<A.CrmFile>();
        const d = this.SUBRULE(this.declaration);
        if (d && !this.recording()) file.decls.push(d);
      },
    },
  ];
  private readonly fileItem = () => this.OR(this.fileItemAlts);

  public file = this.RULE("file", () => {
    const file = this.begin<A.CrmFile>({ kind: "File", uri: "", imports: [], decls: [], range: this.tokRange(this.LA(1)) });
    this.MANY(this.fileItem);
    return file;
  }, {
    // The top rule always recovers (at the end of the file). Keep the
    // declaration that was being read when it gave up: its partial node is
    // still on the partials stack.
    recoveryValueFunc: (): any => {
      const file = this.partials[0] as A.CrmFile | undefined;
      if (!file) return undefined;
      for (const p of this.partials.slice(1, 3) as (A.Node | undefined)[]) {
        if (!p || file.decls.includes(p as A.Decl) || file.imports.includes(p as A.ImportDecl)) continue;
        if (p.kind === "Import") file.imports.push(this.finish(p as A.ImportDecl));
        else if (DECL_KINDS.has(p.kind)) file.decls.push(this.finish(p as A.Decl));
      }
      return file;
    },
  });

  private importDecl = this.RULE(
    "importDecl",
    () => {
      const kw = this.CONSUME(Kw.import);
      const node = this.begin<A.ImportDecl>({ kind: "Import", range: this.tokRange(kw) });
      const s = this.CONSUME(T.StringLiteral);
      node.path = this.str(s);
      return this.finish(node);
    },
    this.recover,
  );

  // Alternatives that capture nothing but the parser are built once, not on
  // every call: an OR over a fresh array of fresh closures is the parser's
  // main allocation cost on large files.
  private readonly declarationAlts = [
      { ALT: () => this.SUBRULE(this.leadDecl) },
      { ALT: () => this.SUBRULE(this.eventDecl) },
      { ALT: () => this.SUBRULE(this.setDecl) },
      { ALT: () => this.SUBRULE(this.scoreDecl) },
      { ALT: () => this.SUBRULE(this.gradeDecl) },
      { ALT: () => this.SUBRULE(this.stageDecl) },
      { ALT: () => this.SUBRULE(this.reenterDecl) },
      { ALT: () => this.SUBRULE(this.ownerDecl) },
      { ALT: () => this.SUBRULE(this.queueDecl) },
      { ALT: () => this.SUBRULE(this.teamDecl) },
      { ALT: () => this.SUBRULE(this.routeDecl) },
      { ALT: () => this.SUBRULE(this.consentDecl) },
      { ALT: () => this.SUBRULE(this.actionDecl) },
      { ALT: () => this.SUBRULE(this.workflowDecl) },
      { ALT: () => this.SUBRULE(this.journeyDecl) },
  ];

  private declaration = this.RULE("declaration", (): A.Decl => {
    return this.OR(this.declarationAlts) as A.Decl;
  }, {
    // A declaration whose last part is broken recovers here (what follows a
    // declaration is the next one); keep the partial node its rule built.
    recoveryValueFunc: (): any => {
      const child = this.partials[(this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX + 1] as A.Node | undefined;
      return child && DECL_KINDS.has(child.kind) ? this.finish(child) : undefined;
    },
  });

  // ------------------------------------------------------------ schema

  private leadDecl = this.RULE(
    "leadDecl",
    () => {
      const kw = this.CONSUME(Kw.lead);
      const node = this.begin<A.LeadDecl>({ kind: "Lead", keyword: this.tokRange(kw), fields: [], range: this.tokRange(kw) });
      this.SUBRULE(this.fieldBlock, { ARGS: [node.fields] });
      return this.finish(node);
    },
    this.recover,
  );

  private readonly fieldSeparatorAlts = [{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Semicolon) }];
  private readonly fieldSeparator = () => this.OR(this.fieldSeparatorAlts);

  /** `{ name: type  name: type }`; separators (`,` or `;`) are optional. */
  private fieldBlock = this.RULE("fieldBlock", (fields: A.FieldDecl[]) => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      const f = this.SUBRULE(this.fieldDecl);
      if (f && !this.recording()) fields.push(f);
      this.OPTION(this.fieldSeparator);
    });
    this.CONSUME(T.RBrace);
  });

  private fieldDecl = this.RULE(
    "fieldDecl",
    () => {
      const n = this.CONSUME(T.AnyName);
      const node = this.begin<A.FieldDecl>({ kind: "Field", name: this.name(n), range: this.tokRange(n) });
      this.CONSUME(T.Colon);
      node.type = this.SUBRULE(this.typeRef);
      return this.finish(node);
    },
    this.recover,
  );

  /**
   * `text`, `enum(a, b)`, `list(text)`: a name with optional arguments in
   * parentheses. One shape for all three keeps the lookahead LL(1); what the
   * name allows is decided after parsing.
   */
  private typeRef = this.RULE(
    "typeRef",
    (): A.TypeRef => {
      const t = this.CONSUME(T.AnyName);
      const node = this.begin<A.SimpleTypeRef>({ kind: "SimpleType", name: this.name(t), range: this.tokRange(t) });
      let args: A.TypeRef[] | undefined;
      let open: IToken | undefined;
      let deep = false;
      if (this.recording() || this.LA(1).tokenType === T.LParen) this.OPTION(() => {
        open = this.CONSUME(T.LParen);
        const list: A.TypeRef[] = [];
        this.ACTION(() => (args = list));
        try {
          if ((deep = this.enter(open))) this.skipNested();
          else
            this.MANY_SEP({
              SEP: T.Comma,
              DEF: () => {
                const a = this.SUBRULE(this.typeRef);
                if (a && !this.recording()) list.push(a);
              },
            });
        } finally {
          this.leave();
        }
        this.CONSUME(T.RParen);
      });
      return this.ACTION(() => {
        const before = this.extraErrors.length;
        const type = this.finishType(node, t, args, open);
        // Too deep: CR1011 said so; the arguments that were skipped are not also "missing".
        if (deep) this.extraErrors.length = before;
        return type;
      });
    },
    this.recover,
  );

  private finishType(node: A.SimpleTypeRef, t: IToken, args: A.TypeRef[] | undefined, open: IToken | undefined): A.TypeRef {
    this.finish(node);
    const range = node.range;
    if (t.image === "enum") {
      const values: A.Name[] = [];
      for (const a of args ?? []) {
        if (a.kind === "SimpleType") values.push(a.name);
        else this.extraErrors.push({ code: "CR1010", message: "an enum lists plain values, as in `enum(saas, finance)`", range: a.range });
      }
      if (!args && !t.isInsertedInRecovery)
        this.extraErrors.push({ code: "CR1010", message: "expected the values in parentheses after `enum` (as in `enum(saas, finance)`)", range });
      else if (args && args.length === 0 && open)
        this.extraErrors.push({ code: "CR1010", message: "an enum needs at least one value, as in `enum(saas, finance)`", range });
      return { kind: "EnumType", values, range };
    }
    if (t.image === "list") {
      if ((!args || (args.length === 0 && open)) && !t.isInsertedInRecovery)
        this.extraErrors.push({ code: "CR1010", message: "expected the element type in parentheses after `list` (as in `list(text)`)", range });
      for (const extra of (args ?? []).slice(1))
        this.extraErrors.push({ code: "CR1010", message: "a list has one element type, as in `list(text)`", range: extra.range });
      return { kind: "ListType", element: args?.[0], range };
    }
    if (args && open && !t.isInsertedInRecovery)
      this.extraErrors.push({
        code: "CR1010",
        message: `\`${t.image}\` takes nothing in parentheses; only \`enum(…)\` and \`list(…)\` do`,
        range: { start: this.tokRange(open).start, end: range.end },
      });
    return node;
  }

  private eventDecl = this.RULE(
    "eventDecl",
    () => {
      const kw = this.CONSUME(Kw.event);
      const node = this.begin<A.EventDecl>({ kind: "Event", fields: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => this.SUBRULE(this.fieldBlock, { ARGS: [node.fields] }));
      return this.finish(node);
    },
    this.recover,
  );

  private readonly setKeywordAlts = [{ ALT: () => this.CONSUME(Kw.set) }, { ALT: () => this.CONSUME(Kw.territory) }];

  private setDecl = this.RULE(
    "setDecl",
    () => {
      const kw = this.OR(this.setKeywordAlts);
      const node = this.begin<A.SetDecl>({
        kind: "Set",
        keyword: kw.image === "territory" ? "territory" : "set",
        range: this.tokRange(kw),
      });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.CONSUME(T.Equals);
      node.value = this.SUBRULE(this.expr);
      return this.finish(node);
    },
    this.recover,
  );

  // ------------------------------------------------------------ scoring

  /** The node the current rule is building (for parts built once, which cannot capture it). */
  private building<N>(): N {
    return this.partials[(this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX] as N;
  }

  private readonly scoreItemAlts = [
    {
      ALT: () => {
        const node = this.building<A.ScoreDecl>();
        const s = this.SUBRULE(this.scoreSetting);
        if (s && !this.recording()) node.settings.push(s);
      },
    },
    {
      ALT: () => {
        const node = this.building<A.ScoreDecl>();
        const r = this.SUBRULE(this.scoreRule);
        if (r && !this.recording()) node.rules.push(r);
      },
    },
  ];
  private readonly scoreItem = () => this.OR(this.scoreItemAlts);

  private scoreDecl = this.RULE(
    "scoreDecl",
    () => {
      const kw = this.CONSUME(Kw.score);
      const node = this.begin<A.ScoreDecl>({ kind: "Score", settings: [], rules: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => (node.label = this.str(this.CONSUME(T.StringLiteral))));
      this.CONSUME(T.LBrace);
      this.MANY(this.scoreItem);
      this.CONSUME(T.RBrace);
      return this.finish(node);
    },
    this.recover,
  );

  private scoreSetting = this.RULE(
    "scoreSetting",
    (): A.ScoreSetting => {
      return this.OR([
        {
          ALT: () => {
            const kw = this.CONSUME(Kw.cap);
            const node = this.begin<A.CapSetting>({ kind: "Cap", range: this.tokRange(kw) });
            node.value = this.SUBRULE(this.signedNumber);
            return this.finish(node) as A.ScoreSetting;
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(Kw.floor);
            const node = this.begin<A.FloorSetting>({ kind: "Floor", range: this.tokRange(kw) });
            node.value = this.SUBRULE2(this.signedNumber);
            return this.finish(node) as A.ScoreSetting;
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(Kw.decay);
            const node = this.begin<A.DecaySetting>({ kind: "Decay", range: this.tokRange(kw) });
            node.percent = this.num(this.CONSUME(T.NumberLiteral));
            this.CONSUME(T.Percent);
            this.CONSUME(Kw.every);
            node.every = this.SUBRULE(this.duration);
            return this.finish(node) as A.ScoreSetting;
          },
        },
      ]);
    },
    this.recover,
  );

  private readonly scoreTriggerAlts = [
    { ALT: () => this.SUBRULE(this.attributeTrigger) },
    { ALT: () => this.SUBRULE(this.eventTrigger) },
    { ALT: () => this.SUBRULE(this.inactivityTrigger) },
  ];

  private scoreRule = this.RULE(
    "scoreRule",
    () => {
      const kw = this.CONSUME(Kw.rule);
      const node = this.begin<A.ScoreRule>({ kind: "ScoreRule", range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.CONSUME(T.Colon);
      node.points = this.SUBRULE(this.signedNumber);
      node.trigger = this.OR(this.scoreTriggerAlts) as A.ScoreTrigger;
      return this.finish(node);
    },
    this.recover,
  );

  private attributeTrigger = this.RULE(
    "attributeTrigger",
    () => {
      const kw = this.CONSUME(Kw.when);
      const node = this.begin<A.AttributeTrigger>({ kind: "AttributeTrigger", range: this.tokRange(kw) });
      node.when = this.SUBRULE(this.expr);
      return this.finish(node);
    },
    this.recover,
  );

  private eventTrigger = this.RULE(
    "eventTrigger",
    () => {
      const kw = this.CONSUME(Kw.on);
      const node = this.begin<A.EventTrigger>({ kind: "EventTrigger", range: this.tokRange(kw) });
      node.event = this.name(this.CONSUME(T.Identifier));
      // An option is entered only at its first token; it has no recovery of its
      // own, so not calling it otherwise changes nothing but the closures built.
      if (this.recording() || this.LA(1).tokenType === Kw.where) this.OPTION(() => {
        this.CONSUME(Kw.where);
        node.where = this.SUBRULE(this.whereExpr);
      });
      if (this.recording() || this.LA(1).tokenType === Kw.at) this.OPTION2(() => {
        this.CONSUME(Kw.at);
        this.CONSUME(Kw.least);
        node.times = this.num(this.CONSUME(T.NumberLiteral));
        this.CONSUME(Kw.times);
      });
      if (this.recording() || this.LA(1).tokenType === Kw.within) this.OPTION3(() => {
        this.CONSUME(Kw.within);
        node.within = this.SUBRULE(this.duration);
      });
      if (this.recording() || this.LA(1).tokenType === Kw.limit) this.OPTION4(() => (node.limit = this.SUBRULE(this.limit)));
      if (this.recording() || this.LA(1).tokenType === Kw.when) this.OPTION5(() => {
        this.CONSUME(Kw.when);
        node.when = this.SUBRULE(this.expr);
      });
      return this.finish(node);
    },
    this.recover,
  );

  private inactivityTrigger = this.RULE(
    "inactivityTrigger",
    () => {
      const kw = this.CONSUME(Kw.after);
      const node = this.begin<A.InactivityTrigger>({ kind: "InactivityTrigger", events: [], range: this.tokRange(kw) });
      node.after = this.SUBRULE(this.duration);
      this.CONSUME(Kw.without);
      this.AT_LEAST_ONE_SEP({
        SEP: Kw.or,
        DEF: () => {
          const e = this.CONSUME(T.Identifier);
          this.ACTION(() => node.events.push(this.name(e)));
        },
      });
      return this.finish(node);
    },
    this.recover,
  );

  private limit = this.RULE(
    "limit",
    () => {
      const kw = this.CONSUME(Kw.limit);
      const node = this.begin<A.Limit>({ kind: "Limit", range: this.tokRange(kw) });
      node.count = this.num(this.CONSUME(T.NumberLiteral));
      if (this.recording() || this.LA(1).tokenType === Kw.per) this.OPTION(() => {
        this.CONSUME(Kw.per);
        node.per = this.SUBRULE(this.duration);
      });
      return this.finish(node);
    },
    this.recover,
  );

  private gradeDecl = this.RULE(
    "gradeDecl",
    () => {
      const kw = this.CONSUME(Kw.grade);
      const node = this.begin<A.GradeDecl>({ kind: "Grade", entries: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.CONSUME(Kw.from);
      node.score = this.name(this.CONSUME2(T.Identifier));
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        const e = this.SUBRULE(this.gradeEntry);
        if (e && !this.recording()) node.entries.push(e);
        this.OPTION(() => this.CONSUME(T.Comma));
      });
      this.CONSUME(T.RBrace);
      return this.finish(node);
    },
    this.recover,
  );

  private gradeEntry = this.RULE(
    "gradeEntry",
    () => {
      const letter = this.CONSUME(T.Identifier);
      const node = this.begin<A.GradeEntry>({
        kind: "GradeEntry",
        letter: this.name(letter),
        otherwise: false,
        range: this.tokRange(letter),
      });
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.GreaterEq);
            node.min = this.SUBRULE(this.signedNumber);
          },
        },
        { ALT: () => (this.CONSUME(Kw.otherwise), (node.otherwise = true)) },
      ]);
      return this.finish(node);
    },
    this.recover,
  );

  // ------------------------------------------------------------ stages

  private stageDecl = this.RULE(
    "stageDecl",
    () => {
      const kw = this.CONSUME(Kw.stage);
      const node = this.begin<A.StageDecl>({ kind: "Stage", modifiers: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.AnyName));
      this.MANY(() => {
        const m = this.CONSUME2(T.Identifier);
        this.ACTION(() => node.modifiers.push(this.name(m)));
      });
      if (this.recording() || this.LA(1).tokenType === Kw.when) this.OPTION(() => {
        this.CONSUME(Kw.when);
        node.when = this.SUBRULE(this.expr);
      });
      return this.finish(node);
    },
    this.recover,
  );

  private reenterDecl = this.RULE(
    "reenterDecl",
    () => {
      const kw = this.CONSUME(Kw.reenter);
      const node = this.begin<A.ReenterDecl>({ kind: "Reenter", range: this.tokRange(kw) });
      node.stage = this.name(this.CONSUME(T.AnyName));
      this.CONSUME(Kw.from);
      node.from = this.name(this.CONSUME2(T.AnyName));
      this.OPTION(() => {
        this.CONSUME(Kw.after);
        node.after = this.SUBRULE(this.duration);
      });
      return this.finish(node);
    },
    this.recover,
  );

  // ------------------------------------------------------------ routing

  private ownerDecl = this.RULE(
    "ownerDecl",
    () => {
      const kw = this.CONSUME(Kw.owner);
      const node = this.begin<A.OwnerDecl>({ kind: "Owner", range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => (node.email = this.str(this.CONSUME(T.StringLiteral))));
      return this.finish(node);
    },
    this.recover,
  );

  private queueDecl = this.RULE(
    "queueDecl",
    () => {
      const kw = this.CONSUME(Kw.queue);
      const node = this.begin<A.QueueDecl>({ kind: "Queue", range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => (node.label = this.str(this.CONSUME(T.StringLiteral))));
      return this.finish(node);
    },
    this.recover,
  );

  private teamDecl = this.RULE(
    "teamDecl",
    () => {
      const kw = this.CONSUME(Kw.team);
      const node = this.begin<A.TeamDecl>({ kind: "Team", members: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => (node.strategy = this.name(this.CONSUME2(T.Identifier))));
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        this.OR([
          {
            ALT: () => {
              const m = this.SUBRULE(this.teamMember);
              if (m && !this.recording()) node.members.push(m);
            },
          },
          {
            ALT: () => {
              const c = this.CONSUME(Kw.cap);
              const cap = this.ACTION(() => {
                const l: A.Limit = { kind: "Limit", range: this.tokRange(c) };
                node.cap = l;
                return l;
              });
              const count = this.CONSUME(T.NumberLiteral);
              this.CONSUME(Kw.per);
              const per = this.SUBRULE(this.duration);
              this.ACTION(() => {
                cap.count = this.num(count);
                cap.per = per;
                this.finish(cap);
              });
            },
          },
        ]);
        this.OPTION2(() => this.CONSUME(T.Comma));
      });
      this.CONSUME(T.RBrace);
      return this.finish(node);
    },
    this.recover,
  );

  private teamMember = this.RULE(
    "teamMember",
    () => {
      const kw = this.CONSUME(Kw.member);
      const node = this.begin<A.TeamMember>({ kind: "Member", range: this.tokRange(kw) });
      node.owner = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => {
        this.CONSUME(Kw.weight);
        node.weight = this.num(this.CONSUME(T.NumberLiteral));
      });
      return this.finish(node);
    },
    this.recover,
  );

  private readonly routeItemAlts = [
    {
      ALT: () => {
        const node = this.building<A.RouteDecl>();
        const r = this.SUBRULE(this.routeRule);
        if (r && !this.recording()) node.rules.push(r);
      },
    },
    {
      ALT: () => {
        const node = this.building<A.RouteDecl>();
        const f = this.SUBRULE(this.routeFallback);
        if (!f || this.recording()) return;
        if (node.fallback) {
          this.extraErrors.push({
            code: "CR1007",
            message: "a route has only one `otherwise`; this one is never used",
            range: f.range,
          });
        } else node.fallback = f;
      },
    },
  ];
  private readonly routeItem = () => this.OR(this.routeItemAlts);

  private routeDecl = this.RULE(
    "routeDecl",
    () => {
      const kw = this.CONSUME(Kw.route);
      const node = this.begin<A.RouteDecl>({ kind: "Route", rules: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      node.trigger = this.SUBRULE(this.trigger);
      this.CONSUME(T.LBrace);
      this.MANY(this.routeItem);
      this.CONSUME(T.RBrace);
      return this.finish(node);
    },
    this.recover,
  );

  private trigger = this.RULE(
    "trigger",
    (): A.Trigger => {
      const on = this.CONSUME(Kw.on);
      return this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.stage);
            const node = this.begin<A.StageTrigger>({ kind: "StageTrigger", range: this.tokRange(on) });
            node.stage = this.name(this.CONSUME(T.AnyName));
            return this.finish(node) as A.Trigger;
          },
        },
        {
          ALT: () => {
            const node = this.begin<A.EventOccurrenceTrigger>({ kind: "EventOccurrenceTrigger", range: this.tokRange(on) });
            node.event = this.name(this.CONSUME2(T.Identifier));
            if (this.recording() || this.LA(1).tokenType === Kw.where) this.OPTION(() => {
              this.CONSUME(Kw.where);
              node.where = this.SUBRULE(this.expr);
            });
            return this.finish(node) as A.Trigger;
          },
        },
      ]);
    },
    this.recover,
  );

  private routeRule = this.RULE(
    "routeRule",
    () => {
      const kw = this.CONSUME(Kw.rule);
      const node = this.begin<A.RouteRule>({ kind: "RouteRule", escalations: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.CONSUME(T.Colon);
      this.CONSUME(Kw.when);
      node.when = this.SUBRULE(this.expr);
      this.CONSUME(T.Arrow);
      node.target = this.SUBRULE(this.target);
      if (this.recording() || this.LA(1).tokenType === Kw.escalate) this.OPTION(() => this.SUBRULE(this.escalations, { ARGS: [node.escalations] }));
      return this.finish(node);
    },
    this.recover,
  );

  private routeFallback = this.RULE(
    "routeFallback",
    () => {
      const kw = this.CONSUME(Kw.otherwise);
      const node = this.begin<A.RouteFallback>({ kind: "RouteFallback", escalations: [], range: this.tokRange(kw) });
      this.CONSUME(T.Arrow);
      node.target = this.SUBRULE(this.target);
      if (this.recording() || this.LA(1).tokenType === Kw.escalate) this.OPTION(() => this.SUBRULE(this.escalations, { ARGS: [node.escalations] }));
      return this.finish(node);
    },
    this.recover,
  );

  private readonly targetKeywordAlts = [
    { ALT: () => this.CONSUME(Kw.owner) },
    { ALT: () => this.CONSUME(Kw.team) },
    { ALT: () => this.CONSUME(Kw.queue) },
    { ALT: () => this.CONSUME(Kw.discard) },
  ];

  private target = this.RULE(
    "target",
    (): A.Target => {
      const kw = this.OR(this.targetKeywordAlts);
      const node = this.begin<A.Target>({
        kind: "Target",
        targetKind: (kw.image as A.Target["targetKind"]) ?? "owner",
        range: this.tokRange(kw),
      });
      if (kw.image !== "discard") {
        this.OPTION({
          GATE: () => kw.image !== "discard",
          DEF: () => (node.ref = this.name(this.CONSUME(T.Identifier))),
        });
      }
      this.ACTION(() => {
        if (!node.ref && kw.image !== "discard" && !kw.isInsertedInRecovery && !Number.isNaN(kw.startOffset)) {
          const next = this.LA(1);
          this.extraErrors.push({
            code: "CR1002",
            message: `expected the name of the ${kw.image} after \`${kw.image}\`, ${next.tokenType.name === "EOF" ? "the file ended" : `found \`${next.image}\``}`,
            range: this.tokRange(kw),
          });
        }
      });
      return this.finish(node);
    },
    this.recover,
  );

  private escalations = this.RULE("escalations", (list: A.Escalation[]) => {
    this.CONSUME(Kw.escalate);
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const e = this.SUBRULE(this.escalation);
        if (e && !this.recording()) list.push(e);
      },
    });
  });

  private escalation = this.RULE(
    "escalation",
    () => {
      const kw = this.CONSUME(Kw.after);
      const node = this.begin<A.Escalation>({ kind: "Escalation", range: this.tokRange(kw) });
      node.after = this.SUBRULE(this.duration);
      this.CONSUME(Kw.to);
      node.target = this.SUBRULE(this.target);
      return this.finish(node);
    },
    this.recover,
  );

  // ------------------------------------------------------------ consent

  private consentDecl = this.RULE(
    "consentDecl",
    () => {
      const kw = this.CONSUME(Kw.consent);
      const node = this.begin<A.ConsentDecl>({ kind: "Consent", clauses: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => (node.label = this.str(this.CONSUME(T.StringLiteral))));
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        const c = this.SUBRULE(this.consentClause);
        if (c && !this.recording()) node.clauses.push(c);
      });
      this.CONSUME(T.RBrace);
      return this.finish(node);
    },
    this.recover,
  );

  private consentClause = this.RULE(
    "consentClause",
    () => {
      const node = this.begin<A.ConsentClause>({
        kind: "ConsentClause",
        otherwise: false,
        bases: [],
        range: this.tokRange(this.LA(1)),
      });
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.in);
            node.region = this.SUBRULE(this.expr);
          },
        },
        { ALT: () => (this.CONSUME(Kw.otherwise), (node.otherwise = true)) },
      ]);
      this.CONSUME(T.Colon);
      this.AT_LEAST_ONE_SEP({
        SEP: Kw.or,
        DEF: () => {
          const b = this.SUBRULE(this.consentBasis);
          if (b && !this.recording()) node.bases.push(b);
        },
      });
      return this.finish(node);
    },
    this.recover,
  );

  private consentBasis = this.RULE(
    "consentBasis",
    () => {
      const b = this.CONSUME(T.Identifier);
      const node = this.begin<A.ConsentBasis>({ kind: "ConsentBasis", basis: this.name(b), range: this.tokRange(b) });
      this.OPTION(() => {
        node.impliedFor = this.SUBRULE(this.duration);
        this.CONSUME(Kw.after);
        node.anchor = this.name(this.CONSUME2(T.Identifier));
      });
      this.OPTION2(() => {
        this.CONSUME(Kw.expires);
        this.CONSUME2(Kw.after);
        node.expires = this.SUBRULE2(this.duration);
      });
      return this.finish(node);
    },
    this.recover,
  );

  // ------------------------------------------------------------ actions and workflows

  private actionDecl = this.RULE(
    "actionDecl",
    () => {
      const kw = this.CONSUME(Kw.action);
      const node = this.begin<A.ActionDecl>({ kind: "Action", params: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      this.OPTION(() => {
        this.CONSUME(T.LParen);
        this.MANY_SEP({
          SEP: T.Comma,
          DEF: () => {
            const p = this.SUBRULE(this.fieldDecl);
            if (p && !this.recording()) node.params.push(p);
          },
        });
        this.CONSUME(T.RParen);
      });
      this.OPTION2(() => {
        const r = this.OR([{ ALT: () => this.CONSUME(Kw.contact) }, { ALT: () => this.CONSUME(Kw.internal) }]);
        this.ACTION(() => {
          node.reach = r.image === "internal" ? "internal" : "contact";
          node.reachRange = this.tokRange(r);
        });
      });
      this.OPTION3(() => {
        this.CONSUME(Kw.requires);
        node.requires = this.name(this.CONSUME2(T.Identifier));
      });
      return this.finish(node);
    },
    this.recover,
  );

  private readonly workflowStepAlts = [{ ALT: () => this.SUBRULE(this.doStep) }, { ALT: () => this.SUBRULE(this.waitStep) }];

  private workflowDecl = this.RULE(
    "workflowDecl",
    () => {
      const kw = this.CONSUME(Kw.workflow);
      const node = this.begin<A.WorkflowDecl>({ kind: "Workflow", steps: [], range: this.tokRange(kw) });
      node.name = this.name(this.CONSUME(T.Identifier));
      node.trigger = this.SUBRULE(this.trigger);
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        const s = this.OR(this.workflowStepAlts);
        if (s && !this.recording()) node.steps.push(s as A.WorkflowStep);
      });
      this.CONSUME(T.RBrace);
      return this.finish(node);
    },
    this.recover,
  );

  private doStep = this.RULE(
    "doStep",
    () => {
      const kw = this.CONSUME(Kw.do);
      const node = this.begin<A.DoStep>({ kind: "Do", range: this.tokRange(kw) });
      node.call = this.SUBRULE(this.actionCall);
      this.OPTION(() => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(Kw.when);
              node.when = this.SUBRULE(this.expr);
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.unless);
              node.unless = this.SUBRULE2(this.expr);
            },
          },
        ]);
      });
      return this.finish(node);
    },
    this.recover,
  );

  private waitStep = this.RULE(
    "waitStep",
    () => {
      const kw = this.CONSUME(Kw.wait);
      const node = this.begin<A.WaitStep>({ kind: "Wait", range: this.tokRange(kw) });
      node.duration = this.SUBRULE(this.duration);
      return this.finish(node);
    },
    this.recover,
  );

  private actionCall = this.RULE(
    "actionCall",
    () => {
      const n = this.CONSUME(T.Identifier);
      const node = this.begin<A.ActionCall>({ kind: "ActionCall", action: this.name(n), range: this.tokRange(n) });
      if (this.recording() || this.LA(1).tokenType === T.LParen) this.OPTION(() => {
        this.CONSUME(T.LParen);
        const args: A.Expr[] = [];
        this.ACTION(() => (node.args = args));
        this.MANY_SEP({
          SEP: T.Comma,
          DEF: () => {
            const a = this.SUBRULE(this.expr);
            if (a && !this.recording()) args.push(a);
          },
        });
        this.CONSUME(T.RParen);
      });
      return this.finish(node);
    },
    this.recover,
  );

  // ------------------------------------------------------------ journeys

  private journeyDecl = this.RULE(
    "journeyDecl",
    () => {
      const kw = this.CONSUME(Kw.journey);
      const node = this.begin<A.JourneyDecl>({ kind: "Journey", entries: [], steps: [], range: this.tokRange(kw) });
      node.name = this.str(this.CONSUME(T.StringLiteral));
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        this.OR([
          {
            ALT: () => {
              const lk = this.CONSUME(Kw.lead);
              const r = this.SUBRULE(this.record);
              this.ACTION(() => {
                node.lead = r;
                if (r) node.entries.push({ keyword: "lead", range: { start: this.tokRange(lk).start, end: r.range.end } });
              });
            },
          },
          {
            ALT: () => {
              const sk = this.CONSUME(Kw.seed);
              const s = this.CONSUME(T.NumberLiteral);
              this.ACTION(() => {
                node.seed = this.num(s);
                node.entries.push({ keyword: "seed", range: { start: this.tokRange(sk).start, end: node.seed.range.end } });
              });
            },
          },
          {
            ALT: () => {
              const s = this.SUBRULE(this.journeyStep);
              if (s && !this.recording()) node.steps.push(s);
            },
          },
        ]);
      });
      this.CONSUME(T.RBrace);
      return this.finish(node);
    },
    this.recover,
  );

  /** The time before the journey step being read (the alternatives below are built once, so they cannot capture it). */
  private stepTime: A.TimeRef | undefined;
  private readonly stepTimeRef = () => this.SUBRULE(this.timeRef);

  private readonly journeyStepAlts = [
    {
      ALT: (): A.JourneyStep => {
        const holder = this.building<A.EventStep>();
        const time = this.stepTime;
        this.CONSUME(Kw.expect);
        let node: A.ExpectStep | undefined;
        if (!this.recording()) {
          const s = holder as unknown as Mutable<A.ExpectStep>;
          s.kind = "ExpectStep";
          s.time = time;
          node = s as A.ExpectStep;
        }
        const e = this.SUBRULE(this.expectation);
        if (!this.recording()) node!.expectation = e;
        return node as A.JourneyStep;
      },
    },
    {
      ALT: (): A.JourneyStep => {
        const holder = this.building<A.EventStep>();
        const time = this.stepTime;
        this.CONSUME(Kw.update);
        let node: A.UpdateStep | undefined;
        if (!this.recording()) {
          const s = holder as unknown as Mutable<A.UpdateStep>;
          s.kind = "UpdateStep";
          s.time = time;
          node = s as A.UpdateStep;
        }
        const r = this.SUBRULE(this.record);
        if (!this.recording()) node!.values = r;
        return node as A.JourneyStep;
      },
    },
    {
      ALT: (): A.JourneyStep => {
        const holder = this.building<A.EventStep>();
        const time = this.stepTime;
        const n = this.CONSUME(T.Identifier);
        if (!this.recording()) {
          holder.time = time;
          holder.event = this.name(n);
        }
        this.OPTION2(this.stepPayload);
        return holder as A.JourneyStep;
      },
    },
  ];
  private readonly stepPayload = () => {
    const holder = this.building<A.EventStep>();
    const r = this.SUBRULE2(this.record);
    if (!this.recording()) holder.payload = r;
  };

  private journeyStep = this.RULE(
    "journeyStep",
    (): A.JourneyStep => {
      const start = this.LA(1);
      this.begin<A.EventStep>({ kind: "EventStep", range: this.tokRange(start) });
      this.stepTime = this.OPTION(this.stepTimeRef);
      const step = this.OR(this.journeyStepAlts);
      return this.finish(step);
    },
    this.recover,
  );

  private timeRef = this.RULE(
    "timeRef",
    () => {
      const kw = this.CONSUME(Kw.day);
      const node = this.begin<A.TimeRef>({ kind: "Time", range: this.tokRange(kw) });
      // A sign is read so that `day -1` gets the checker's words (CR3019), not a syntax error.
      const sign = this.OPTION2(() => this.CONSUME(T.Minus));
      const n = this.CONSUME(T.NumberLiteral);
      node.day = this.num(n, sign);
      this.OPTION(() => {
        this.CONSUME(Kw.at);
        const t = this.CONSUME(T.TimeOfDay);
        this.ACTION(() => {
          const [h, m] = t.image.split(":").map(Number);
          node.timeOfDay = { minutes: (h ?? 0) * 60 + (m ?? 0), range: this.tokRange(t) };
        });
      });
      return this.finish(node);
    },
    this.recover,
  );

  private readonly compareAlts = COMPARE_TOKENS.map((tt) => ({ ALT: () => this.CONSUME(tt) }));

  private compareOp = this.RULE("compareOp", (): { op: A.CompareOp; tok: IToken } => {
    const tok = this.OR(this.compareAlts);
    return { op: COMPARE_OPS[tok.tokenType?.name ?? ""] ?? "==", tok };
  });

  private expectation = this.RULE(
    "expectation",
    (): A.Expectation => {
      return this.OR([
        {
          ALT: () => {
            const kw = this.CONSUME(Kw.stage);
            const node = this.begin<A.ExpectStage>({ kind: "ExpectStage", range: this.tokRange(kw) });
            const op = this.SUBRULE(this.compareOp);
            this.ACTION(() => (node.op = op?.op));
            node.stage = this.name(this.CONSUME(T.AnyName));
            return this.finish(node) as A.Expectation;
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(Kw.score);
            const node = this.begin<A.ExpectScore>({ kind: "ExpectScore", range: this.tokRange(kw) });
            node.score = this.name(this.CONSUME2(T.Identifier));
            this.OR2([
              {
                ALT: () => {
                  const op = this.SUBRULE2(this.compareOp);
                  this.ACTION(() => (node.op = op?.op));
                  node.value = this.SUBRULE(this.signedNumber);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Kw.between);
                  node.op = "between";
                  node.value = this.SUBRULE2(this.signedNumber);
                  this.CONSUME(Kw.and);
                  node.high = this.SUBRULE3(this.signedNumber);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Kw.is);
                  const w = this.CONSUME3(T.Identifier);
                  this.ACTION(() => {
                    node.op = "unscored";
                    if (w.image !== "unscored")
                      this.extraErrors.push({
                        code: "CR1008",
                        message: `expected \`unscored\` after \`is\`, found \`${w.image}\``,
                        range: this.tokRange(w),
                      });
                  });
                },
              },
            ]);
            return this.finish(node) as A.Expectation;
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(Kw.grade);
            const node = this.begin<A.ExpectGrade>({ kind: "ExpectGrade", range: this.tokRange(kw) });
            node.grade = this.name(this.CONSUME4(T.Identifier));
            const op = this.SUBRULE3(this.compareOp);
            this.ACTION(() => (node.op = op?.op));
            node.letter = this.name(this.CONSUME5(T.Identifier));
            return this.finish(node) as A.Expectation;
          },
        },
        {
          ALT: () => {
            const kw = this.OR3([{ ALT: () => this.CONSUME(Kw.routed) }, { ALT: () => this.CONSUME(Kw.escalated) }]);
            const node = this.begin<A.ExpectRouted>({
              kind: "ExpectRouted",
              negated: false,
              escalated: kw.image === "escalated",
              range: this.tokRange(kw),
            });
            this.CONSUME(Kw.to);
            node.target = this.SUBRULE(this.target);
            return this.finish(node) as A.Expectation;
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(Kw.not);
            return this.OR4([
              {
                ALT: () => {
                  this.CONSUME2(Kw.routed);
                  const node = this.begin<A.ExpectRouted>({
                    kind: "ExpectRouted",
                    negated: true,
                    escalated: false,
                    range: this.tokRange(kw),
                  });
                  return this.finish(node) as A.Expectation;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Kw.sent);
                  const node = this.begin<A.ExpectAction>({
                    kind: "ExpectAction",
                    mode: "not_sent",
                    none: false,
                    range: this.tokRange(kw),
                  });
                  node.call = this.SUBRULE(this.actionCall);
                  return this.finish(node) as A.Expectation;
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            const kw = this.OR5([{ ALT: () => this.CONSUME2(Kw.sent) }, { ALT: () => this.CONSUME(Kw.blocked) }]);
            const node = this.begin<A.ExpectAction>({
              kind: "ExpectAction",
              mode: kw.image === "blocked" ? "blocked" : "sent",
              none: false,
              range: this.tokRange(kw),
            });
            this.OR6([
              { ALT: () => (this.CONSUME(Kw.none), (node.none = true)) },
              { ALT: () => (node.call = this.SUBRULE2(this.actionCall)) },
            ]);
            return this.finish(node) as A.Expectation;
          },
        },
      ]);
    },
    this.recover,
  );

  private readonly comma = () => this.CONSUME(T.Comma);
  private readonly recordItem = () => {
    const node = this.building<A.RecordLit>();
    const e = this.SUBRULE(this.recordEntry);
    if (e && !this.recording()) node.entries.push(e);
    this.OPTION(this.comma);
  };

  private record = this.RULE(
    "record",
    () => {
      const lb = this.CONSUME(T.LBrace);
      const node = this.begin<A.RecordLit>({ kind: "Record", entries: [], range: this.tokRange(lb) });
      this.MANY(this.recordItem);
      this.CONSUME(T.RBrace);
      return this.finish(node);
    },
    this.recover,
  );

  private recordEntry = this.RULE(
    "recordEntry",
    () => {
      const k = this.CONSUME(T.AnyName);
      const node = this.begin<A.RecordEntry>({ kind: "RecordEntry", key: this.name(k), range: this.tokRange(k) });
      this.CONSUME(T.Colon);
      node.value = this.SUBRULE(this.expr);
      return this.finish(node);
    },
    this.recover,
  );

  // ------------------------------------------------------------ shared pieces

  private readonly signAlts = [{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }];
  private readonly mulOpAlts = [{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }];

  private signedNumber = this.RULE("signedNumber", (): A.NumberLit => {
    let sign: IToken | undefined;
    const next = this.LA(1).tokenType;
    if (this.recording() || next === T.Plus || next === T.Minus) this.OPTION(() => {
      sign = this.OR(this.signAlts);
    });
    const n = this.CONSUME(T.NumberLiteral);
    return this.num(n, sign);
  });

  /** `14 days`, `1 month`, or a bare unit after `per` (`per day` is `per 1 day`). */
  private duration = this.RULE(
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
  private whereExpr = this.RULE("whereExpr", (): A.Expr => {
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
        const idx = (this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX;
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

  /** True while Chevrotain records the grammar (every production must then be called). */
  private recording(): boolean {
    return (this as unknown as { RECORDING_PHASE: boolean }).RECORDING_PHASE;
  }

  /** One `.field` of the path being read (built once: the path is the node its rule is building). */
  private readonly pathSegments = (): void => {
    const node = this.partials[(this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX] as A.PathExpr;
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

  // Recovery by inserting a token is only useful for punctuation and a few
  // closing keywords; inserting a name or a number would invent user content.
  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return INSERTABLE.has(tokType);
  }

  /**
   * At the end of the file, a missing closer is inserted (one error, the
   * enclosing declaration completes) even though the grammar's follow sets
   * never mention the end of the file.
   */
  canRecoverWithSingleTokenInsertion(expectedTokType: TokenType, follows: TokenType[]): boolean {
    if (this.LA(1).tokenType === EOF && INSERTABLE.has(expectedTokType)) return true;
    return baseCanInsert.call(this, expectedTokType, follows);
  }
}

// Chevrotain wraps every rule in `function (...args) { … impl.apply(this, args) }`,
// which allocates an argument array on each of the millions of rule calls a
// large workspace makes. Our rules take at most one argument, so the wrapper
// used for sub-rule calls is replaced by the same logic with one fixed parameter.
{
  type RuleConfig = { resyncEnabled?: boolean; recoveryValueFunc?: (e: unknown) => unknown };
  type Impl = (arg?: unknown) => unknown;
  type Engine = {
    fullRuleNameToShort: Record<string, number>;
    subruleIdx: number;
    ruleInvocationStateUpdate(shortName: number, fullName: string, idx: number): void;
    invokeRuleCatch(e: unknown, resyncEnabled: boolean, recoveryValueFunc: (e: unknown) => unknown): unknown;
    ruleFinallyStateUpdate(): void;
  };
  const proto = CrmParser.prototype as unknown as {
    defineRule(this: Engine, name: string, impl: Impl, config: RuleConfig): { coreRule: (this: Engine, arg?: unknown) => unknown };
  };
  const base = proto.defineRule;
  const noRecoveryValue = (): undefined => undefined;
  proto.defineRule = function (this: Engine, ruleName, impl, config) {
    const wrapped = base.call(this, ruleName, impl, config);
    const resyncEnabled = Object.hasOwn(config, "resyncEnabled") ? config.resyncEnabled !== false : true;
    const recoveryValueFunc = Object.hasOwn(config, "recoveryValueFunc") ? config.recoveryValueFunc ?? noRecoveryValue : noRecoveryValue;
    const shortName = this.fullRuleNameToShort[ruleName]!;
    wrapped.coreRule = function invokeRule(this: Engine, arg?: unknown) {
      try {
        this.ruleInvocationStateUpdate(shortName, ruleName, this.subruleIdx);
        return impl.call(this, arg);
      } catch (e) {
        return this.invokeRuleCatch(e, resyncEnabled, recoveryValueFunc);
      } finally {
        this.ruleFinallyStateUpdate();
      }
    };
    return wrapped;
  };
}

// INVARIANT: a rule's partial node is cleared when the rule is entered, so
// recovery never hands back a node left by an earlier rule at the same depth.
{
  type Update = (shortName: unknown, fullName: unknown, idxInCallingRule: unknown) => void;
  const proto = CrmParser.prototype as unknown as { ruleInvocationStateUpdate: Update };
  const base = proto.ruleInvocationStateUpdate;
  // Fixed parameters (no rest array): this runs on every rule invocation.
  proto.ruleInvocationStateUpdate = function (this: { partials: unknown[]; RULE_STACK_IDX: number }, shortName, fullName, idxInCallingRule) {
    base.call(this, shortName, fullName, idxInCallingRule);
    // The slot below belongs to a child that has not started yet.
    this.partials[this.RULE_STACK_IDX] = undefined;
    this.partials[this.RULE_STACK_IDX + 1] = undefined;
  };
}

// Recovery skips to a point where parsing can resume. A declaration keyword
// (`owner`, `lead`, `stage`, …) in the middle of a line is almost always part
// of a broken statement (`-> owner kari`, `lead.role`), not the start of the
// next declaration: resyncing there would turn one error into a cascade. So
// during recovery such a keyword is only a resume point at the start of a line.
{
  type Engine = {
    LA(k: number): IToken;
    flattenFollowSet(): TokenType[];
    SKIP_TOKEN(): IToken;
    addToResyncTokens(t: IToken, list: IToken[]): void;
    findReSyncTokenType(): TokenType;
    reSyncTo(t: TokenType): IToken[];
    tryInRepetitionRecovery(rule: unknown, args: unknown, lookahead: () => boolean, expected: TokenType): void;
  };
  const proto = CrmParser.prototype as unknown as Engine;
  const midLineDeclKeyword = (tok: IToken, prev: IToken | undefined): boolean =>
    DECL_START.has(tok.tokenType) &&
    prev !== undefined &&
    !Number.isNaN(prev.startOffset) &&
    prev.tokenType !== EOF &&
    (prev.endLine ?? 0) >= (tok.startLine ?? 0);
  type Typed = TokenType & { tokenTypeIdx?: number; isParent?: boolean; categoryMatches?: number[] };
  proto.findReSyncTokenType = function (this: Engine) {
    // Which follow type each token type matches (itself or through a category),
    // built once per call so the scan below is O(1) per token.
    const byIdx: (TokenType | undefined)[] = [];
    let onlyEnd = true;
    for (const t of this.flattenFollowSet() as Typed[]) {
      if (t.tokenTypeIdx !== undefined) byIdx[t.tokenTypeIdx] ??= t;
      if (t.isParent) for (const c of t.categoryMatches ?? []) byIdx[c] ??= t;
      if (t !== EOF) onlyEnd = false;
    }
    // Nothing but the end of the file can follow: no need to scan for it.
    if (onlyEnd) return EOF;
    for (let k = 1; ; k++) {
      const tok = this.LA(k);
      const match = byIdx[tok.tokenTypeIdx];
      if (match !== undefined && (tok.tokenType === EOF || !midLineDeclKeyword(tok, this.LA(k - 1)))) return match;
      if (tok.tokenType === EOF) return EOF;
    }
  };
  proto.reSyncTo = function (this: Engine, tokType: TokenType) {
    const skipped: IToken[] = [];
    let next = this.LA(1);
    while (next.tokenType !== EOF && !(tokenMatcher(next, tokType) && !midLineDeclKeyword(next, this.LA(0)))) {
      next = this.SKIP_TOKEN();
      this.addToResyncTokens(next, skipped);
    }
    return skipped.slice(0, -1);
  };
  const baseRepetition = proto.tryInRepetitionRecovery;
  proto.tryInRepetitionRecovery = function (this: Engine, rule, args, lookahead, expected) {
    const self = this;
    const guarded = function (this: Engine): boolean {
      return !midLineDeclKeyword(self.LA(1), self.LA(0)) && lookahead.call(this);
    };
    baseRepetition.call(this, rule, args, guarded, expected);
  };
}

/**
 * How deeply parentheses, brackets, `not`, unary `-`, `count(…)` and type
 * arguments may nest. Each level costs the recursive-descent parser a dozen
 * stack frames; past this, one CR1011 is reported at the place and the nested
 * text is skipped, so the rest of the file still parses. (Operator chains such
 * as `a and b and …` are not nesting: they are read in a loop, at any length.)
 */
export const MAX_NESTING = 64;

const OPENERS = new Set<TokenType>([T.LParen, T.LBracket, T.LBrace]);
const CLOSERS = new Set<TokenType>([T.RParen, T.RBracket, T.RBrace]);

const INSERTABLE = new Set<TokenType>([T.RBrace, T.RParen, T.RBracket, T.Colon, T.Arrow, T.Comma, T.Equals, T.Percent]);

export function unquote(image: string): string {
  const body = image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  if (!body.includes("\\")) return body;
  return body.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}
