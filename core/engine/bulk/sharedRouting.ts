/**
 * Teams shared across leads in bulk replay (docs/language.md §8 "Teams across leads",
 * docs/event-log.md "Determinism and threads"): a team's state (whose turn it is, each member's
 * count toward its cap in its period) is shared by every lead routed to it, in time order across
 * leads. Pure: the request records, the per-lead pool that records and answers them
 * (`ScriptedPool`), the one global assignment pass (`assignRequests`) and the bookkeeping of the
 * passes (`SharedRouting`); runtime/bulk drives it over a streamed log, a sharded run over its
 * shards' files.
 *
 * The order of requests across leads: the shared time (minutes from the shared day 0), then the
 * lead id (UTF-16 code-unit order, as JavaScript compares texts), then the lead's own order
 * (the order its replay asked in: timers before events at one time, steps in §14 order).
 */
import type { CTeam } from "../compiled.js";
import { RoutingPool, type PickAnswer, type PickTeam } from "../roundRobin.js";
import type { TargetValue } from "../trace.js";

/**
 * Day 0 of the shared clock for ISO times: Monday 1970-01-05 00:00 UTC, so that `per day` periods
 * are UTC calendar days and `per week` periods ISO weeks (Monday to Sunday). Day offsets count
 * from their own day 0 (a log's day-offset leads share it).
 */
export const SHARED_ORIGIN_MS = Date.UTC(1970, 0, 5);

/** Minutes from the shared day 0 to a lead's own day 0: `epochMs` is the lead's day 0 (`epochOf`), null for day offsets. */
export function sharedOffset(epochMs: number | null): number {
  return epochMs === null ? 0 : Math.round((epochMs - SHARED_ORIGIN_MS) / 60000);
}

/** The shared calendar day of a time on the shared clock: `2026-01-05` for ISO logs, `day 3` for day offsets. */
export function sharedDay(at: number, iso: boolean): string {
  const day = Math.floor(at / 1440);
  if (!iso) return `day ${day}`;
  return new Date(SHARED_ORIGIN_MS + day * 86_400_000).toISOString().slice(0, 10);
}

/** One request of a lead to a team's round robin: the team and the time on the shared clock. */
export interface TeamRequest {
  team: string;
  at: number;
}

/** A request with the answer it was given. */
export interface AnsweredRequest extends TeamRequest {
  answer: PickAnswer;
}

/** What one lead's replay asked the teams and was answered, and which answer its final assignment is (-1: none). */
export interface LeadRouting {
  requests: AnsweredRequest[];
  assignedFrom: number;
}

/**
 * The round-robin pool of one lead's replay in bulk: it records every request with the time on
 * the shared clock, answers from `script` (the team pass's answers to the lead's previous
 * requests) while the request is the one the script answered (same place in the lead's order,
 * same team, same time), and otherwise provisionally, from a pool of its own (started from the
 * replay seed, so that a log with one lead needs no second pass). The team pass then tells which
 * provisional answers were right.
 */
export class ScriptedPool extends RoutingPool {
  readonly requests: AnsweredRequest[] = [];
  assignedFrom = -1;

  /**
   * `offset`: minutes from the shared day 0 to the lead's own day 0 (`sharedOffset`).
   * `ownClock`: provisional picks cut cap periods on the lead's own clock (the per-lead replay).
   */
  constructor(
    seed: number,
    private readonly offset: number,
    private readonly script: readonly AnsweredRequest[] | null,
    private readonly ownClock = false,
  ) {
    super(seed);
  }

  override pick(team: PickTeam, now: number): PickAnswer {
    const k = this.requests.length;
    const at = now + this.offset;
    const s = this.script?.[k];
    const answer = s !== undefined && s.team === team.name && s.at === at ? s.answer : super.pick(team, this.ownClock ? now : at);
    this.requests.push({ team: team.name, at, answer });
    return answer;
  }

  override assigned(target: TargetValue): void {
    // A team's member comes from the pick just made (routes and escalations assign right after resolving).
    this.assignedFrom = target.kind === "team" && target.member !== null ? this.requests.length - 1 : -1;
  }

  routing(): LeadRouting {
    return { requests: this.requests, assignedFrom: this.assignedFrom };
  }
}

/** Orders requests across leads: shared time, then lead id, then the lead's own order. */
export function compareRequests(a: { at: number; lead: string; seq: number }, b: { at: number; lead: string; seq: number }): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.lead !== b.lead) return a.lead < b.lead ? -1 : 1;
  return a.seq - b.seq;
}

/** A request as the team pass takes it (a shard writes these for its leads). */
export interface KeyedRequest extends TeamRequest {
  lead: string;
  /** Its place in the lead's own order (0, 1, …). */
  seq: number;
}

/**
 * The team pass: every request, in the order of `compareRequests`, answered by one `RoutingPool`
 * from the replay seed. Returns the answers in the order of `requests` as given (which need not
 * be sorted). A request to a team the rules do not declare is answered with nobody (the replay
 * never asks for one: `resolveTarget` stops first).
 */
export function assignRequests(teams: ReadonlyMap<string, CTeam>, seed: number, requests: readonly KeyedRequest[]): PickAnswer[] {
  const order = requests.map((_, i) => i).sort((i, j) => compareRequests(requests[i]!, requests[j]!));
  const pool = new RoutingPool(seed);
  const out: PickAnswer[] = new Array(requests.length);
  for (const i of order) {
    const r = requests[i]!;
    const team = teams.get(r.team);
    out[i] = team ? pool.pick(team, r.at) : { member: null, skipped: [] };
  }
  return out;
}

/** Whether two answers lead a replay the same way: a member (whoever it is) or nobody. Only the member's name differs otherwise, and nothing in a lead's replay reads it. */
export function sameWay(a: PickAnswer, b: PickAnswer): boolean {
  return (a.member === null) === (b.member === null);
}

/**
 * The passes over one log's leads. Each lead that asked a team is `set` with its routing (from
 * its replay); `pass` runs the team pass over every lead's requests and returns the leads whose
 * replay took some answer the other way than the pass gives (`sameWay`); those are replayed again
 * with `script(lead)` and `set` again, until a pass returns none.
 *
 * Why this ends: take the first request, in the order of `compareRequests`, whose answer goes
 * the other way in a pass than in its lead's replay. Every earlier request is one the true
 * (single-threaded, all leads at once) replay makes, with its true answer: a lead's request
 * depends only on the answers to the lead's earlier requests, and a pool's answer only on the
 * requests before it. The replay again gets that request's true answer, and changes none of its
 * lead's earlier requests; so after every pass that returns leads, the prefix of requests that
 * are true and answered truly grows by at least one. The true replay makes finitely many requests
 * (each lead: at most its routes and escalation steps, with each route's otherwise), so passes
 * end, at most one more than that; in practice two or three (a full team whose otherwise is a
 * team, whose new requests move that team's turns).
 */
export class SharedRouting {
  private readonly leads = new Map<number, { lead: string; routing: LeadRouting }>();
  private answers = new Map<number, PickAnswer[]>();
  passes = 0;

  constructor(
    private readonly teams: ReadonlyMap<string, CTeam>,
    private readonly seed: number,
  ) {}

  /** Lead number `index` (its place in the log) asked the teams this way (a lead that asked none need not be set). */
  set(index: number, lead: string, routing: LeadRouting): void {
    if (routing.requests.length === 0) this.leads.delete(index);
    else this.leads.set(index, { lead, routing });
  }

  /** Runs a team pass; returns the leads (their `index`) to replay again with `script`. */
  pass(): number[] {
    this.passes++;
    const flat: KeyedRequest[] = [];
    const owner: number[] = [];
    for (const [index, { lead, routing }] of this.leads) {
      routing.requests.forEach((r, seq) => {
        flat.push({ lead, seq, team: r.team, at: r.at });
        owner.push(index);
      });
    }
    const got = assignRequests(this.teams, this.seed, flat);
    this.answers = new Map();
    for (let i = 0; i < got.length; i++) {
      const list = this.answers.get(owner[i]!);
      if (list) list.push(got[i]!);
      else this.answers.set(owner[i]!, [got[i]!]);
    }
    const again: number[] = [];
    for (const [index, { routing }] of this.leads) {
      const a = this.answers.get(index)!;
      if (routing.requests.some((r, k) => !sameWay(r.answer, a[k]!))) again.push(index);
    }
    return again.sort((x, y) => x - y);
  }

  /** The script for replaying lead `index` again: its requests with the last pass's answers. */
  script(index: number): AnsweredRequest[] {
    const l = this.leads.get(index);
    if (!l) return [];
    const a = this.answers.get(index)!;
    return l.routing.requests.map((r, k) => ({ team: r.team, at: r.at, answer: a[k]! }));
  }

  /** After the last pass: lead `index`'s answers (the member each request got), or null when it asked none. */
  final(index: number): { routing: LeadRouting; answers: PickAnswer[] } | null {
    const l = this.leads.get(index);
    return l ? { routing: l.routing, answers: this.answers.get(index)! } : null;
  }
}
