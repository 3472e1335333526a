/** Scores and grades (docs/language.md §6), stages and re-entry (§7). */
import type * as A from "../ast.js";
import * as T from "../tokens.js";
import { Kw } from "../tokens.js";
import { SchemaParser } from "./schema.js";

export class ScoringParser extends SchemaParser {
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

  protected scoreDecl = this.RULE(
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

  protected gradeDecl = this.RULE(
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

  protected stageDecl = this.RULE(
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

  protected reenterDecl = this.RULE(
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
}
