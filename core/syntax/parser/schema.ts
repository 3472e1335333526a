/** The schema (docs/language.md §4–5): `lead { … }` fields and their types, events, sets and territories. */
import type { IToken } from "chevrotain";
import type * as A from "../ast.js";
import * as T from "../tokens.js";
import { Kw } from "../tokens.js";
import { ExpressionParser } from "./expressions.js";

export class SchemaParser extends ExpressionParser {
  protected leadDecl = this.RULE(
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

  protected fieldDecl = this.RULE(
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

  protected eventDecl = this.RULE(
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

  protected setDecl = this.RULE(
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
}
