/** Routing (docs/language.md §8): owners, queues, round-robin teams, routes with their triggers, targets and escalations. */
import type * as A from "../ast.js";
import * as T from "../tokens.js";
import { Kw } from "../tokens.js";
import { ScoringParser } from "./scoring.js";

export class RoutingParser extends ScoringParser {
  protected ownerDecl = this.RULE(
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

  protected queueDecl = this.RULE(
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

  protected teamDecl = this.RULE(
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

  protected routeDecl = this.RULE(
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

  protected trigger = this.RULE(
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

  protected target = this.RULE(
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
}
