/** Consent purposes and their clauses (docs/language.md §9), actions and workflows (§10). */
import type * as A from "../ast.js";
import * as T from "../tokens.js";
import { Kw } from "../tokens.js";
import { RoutingParser } from "./routing.js";

export class WorkflowParser extends RoutingParser {
  protected consentDecl = this.RULE(
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
        // `unknown` is a soft keyword: a clause for a lead of unknown jurisdiction (§9).
        { GATE: () => this.LA(1).image === "unknown", ALT: () => (this.CONSUME(T.Identifier), (node.unknown = true)) },
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

  protected actionDecl = this.RULE(
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

  protected workflowDecl = this.RULE(
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

  protected actionCall = this.RULE(
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
}
