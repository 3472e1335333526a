/** Journeys (docs/language.md §11): the sample lead, the steps at their times, events with payloads, updates and expectations. */
import type * as A from "../ast.js";
import * as T from "../tokens.js";
import { Kw } from "../tokens.js";
import type { Mutable } from "./base.js";
import { WorkflowParser } from "./workflows.js";

export class JourneyParser extends WorkflowParser {
  protected journeyDecl = this.RULE(
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
              // `lead ana { … }`: one of several named leads; `lead { … }`: the one lead.
              const n = this.OPTION(() => this.CONSUME(T.Identifier));
              const r = this.SUBRULE(this.record);
              this.ACTION(() => {
                if (n) {
                  const start = this.tokRange(lk).start;
                  const name = this.name(n);
                  (node.leads ??= []).push({ kind: "JourneyLead", name, ...(r ? { fields: r } : {}), range: { start, end: r ? r.range.end : name.range.end } });
                  return;
                }
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
  /** `ana:` before the journey step being read (a journey with several leads), as `stepTime`. */
  private stepLead: A.Name | undefined;
  private readonly stepLeadRef = (): A.Name | undefined => {
    const n = this.CONSUME2(T.Identifier);
    this.CONSUME(T.Colon);
    return this.recording() ? undefined : this.name(n);
  };

  private readonly journeyStepAlts = [
    {
      ALT: (): A.JourneyStep => {
        const holder = this.building<A.EventStep>();
        const time = this.stepTime;
        const lead = this.stepLead;
        this.CONSUME(Kw.expect);
        let node: A.ExpectStep | undefined;
        if (!this.recording()) {
          const s = holder as unknown as Mutable<A.ExpectStep>;
          s.kind = "ExpectStep";
          s.time = time;
          if (lead) s.lead = lead;
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
        const lead = this.stepLead;
        this.CONSUME(Kw.update);
        let node: A.UpdateStep | undefined;
        if (!this.recording()) {
          const s = holder as unknown as Mutable<A.UpdateStep>;
          s.kind = "UpdateStep";
          s.time = time;
          if (lead) s.lead = lead;
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
        const lead = this.stepLead;
        const n = this.CONSUME(T.Identifier);
        if (!this.recording()) {
          holder.time = time;
          if (lead) holder.lead = lead;
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
      this.stepLead = this.OPTION3(this.stepLeadRef);
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
            // `expect score s at day 3 > at day 1`: the score at a moment of the journey, compared with another.
            this.OPTION(() => {
              this.CONSUME(Kw.at);
              const t = this.SUBRULE(this.timeRef);
              if (!this.recording()) node.at = t;
            });
            this.OR2([
              {
                ALT: () => {
                  const op = this.SUBRULE2(this.compareOp);
                  this.ACTION(() => (node.op = op?.op));
                  this.OR7([
                    { ALT: () => (node.value = this.SUBRULE(this.signedNumber)) },
                    {
                      ALT: () => {
                        this.CONSUME2(Kw.at);
                        const t = this.SUBRULE2(this.timeRef);
                        if (!this.recording()) node.than = t;
                      },
                    },
                  ]);
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
                  this.CONSUME2(Kw.escalated);
                  const node = this.begin<A.ExpectRouted>({
                    kind: "ExpectRouted",
                    negated: true,
                    escalated: true,
                    range: this.tokRange(kw),
                  });
                  this.OPTION2(() => {
                    this.CONSUME2(Kw.to);
                    const t = this.SUBRULE2(this.target);
                    if (!this.recording()) node.target = t;
                  });
                  return this.finish(node) as A.Expectation;
                },
              },
              {
                ALT: () => {
                  // The call is required: a bare `not blocked` could not be told from an event step after it (write `blocked none`).
                  const w = this.OR8([{ ALT: () => this.CONSUME(Kw.sent) }, { ALT: () => this.CONSUME2(Kw.blocked) }]);
                  const node = this.begin<A.ExpectAction>({
                    kind: "ExpectAction",
                    mode: w.image === "blocked" ? "not_blocked" : "not_sent",
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
              {
                ALT: () => {
                  node.call = this.SUBRULE2(this.actionCall);
                  // `expect sent send_email 2 times`
                  this.OPTION3(() => {
                    const n = this.CONSUME(T.NumberLiteral);
                    this.CONSUME(Kw.times);
                    if (!this.recording()) node.times = this.num(n);
                  });
                },
              },
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
}
