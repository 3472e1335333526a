/**
 * Teams (docs/language.md §8 "Owners, queues and teams"): smooth weighted round robin, started
 * from the journey's seed, with `cap N per D` per member and period. One pool holds every team's
 * state; every lead routed through the same pool shares it (a journey's leads; in bulk replay the
 * team pass of `bulk/sharedRouting.ts` runs one pool over every lead's requests in time order).
 */
import type { TargetValue } from "./trace.js";

/** What a team answers to one request: the member picked (null: nobody, every member at its cap) and the members skipped at their cap. */
export interface PickAnswer {
  member: string | null;
  skipped: string[];
}

/** The team's part that a pick reads. */
export interface PickTeam {
  name: string;
  members: { owner: string; weight: number }[];
  cap: { count: number; per: number } | null;
}

interface TeamState {
  /** Each member's counter. */
  current: number[];
  /** Assignments per `member#period`. */
  daily: Map<string, number>;
}

/** Round-robin state shared by the routes of one simulation (or of many: bulk replay shares one pool). */
export class RoutingPool {
  private teams = new Map<string, TeamState>();
  constructor(private readonly seed: number) {}

  /**
   * Smooth weighted round robin over every member, whether at its cap or not (so a cap that does not
   * bind never changes the order); a member at its cap loses its turn (as if picked) and the turn
   * passes to the next member in that order. Returns null, changing nothing, when all are at cap.
   * `skipped` lists the members at their cap.
   */
  pick(team: PickTeam, now: number): PickAnswer {
    const ms = team.members.filter((m) => m.weight > 0);
    if (ms.length === 0) return { member: null, skipped: [] };
    let st = this.teams.get(team.name);
    if (!st) {
      st = { current: ms.map(() => 0), daily: new Map() };
      this.teams.set(team.name, st);
      // The seed: as if `seed mod W` picks had been made already.
      const total = ms.reduce((a, m) => a + m.weight, 0);
      const warm = ((this.seed % total) + total) % total;
      for (let i = 0; i < warm; i++) this.step(st, ms);
    }
    // Periods of length `per` from day 0 00:00.
    const bucket = team.cap ? Math.floor(now / team.cap.per) : 0;
    const skipped: string[] = [];
    const available = (i: number) => {
      if (!team.cap) return true;
      const n = st!.daily.get(`${ms[i]!.owner}#${bucket}`) ?? 0;
      return n < team.cap.count;
    };
    for (let i = 0; i < ms.length; i++) if (!available(i)) skipped.push(ms[i]!.owner);
    if (skipped.length === ms.length) return { member: null, skipped };
    let i = this.step(st, ms);
    // Within one cycle of the order every member has a turn, so this ends.
    while (!available(i)) i = this.step(st, ms);
    const key = `${ms[i]!.owner}#${bucket}`;
    st.daily.set(key, (st.daily.get(key) ?? 0) + 1);
    return { member: ms[i]!.owner, skipped };
  }

  /**
   * Told, after a pick or not, that a routing decision or an escalation has made `target` the
   * lead's current assignment. This pool needs nothing from it; bulk replay's per-lead pool
   * (`bulk/sharedRouting.ts`, `ScriptedPool`) notes which of its answers the assignment is, so
   * that the team pass can put the right member in the lead's outcome.
   */
  assigned(_target: TargetValue): void {}

  /**
   * A copy of a team's round-robin state for a debugger (core/engine/stepper.ts): each counter (in
   * the order of the team's members of positive weight) and the assignments per `member#period`;
   * undefined before the team's first pick.
   */
  teamState(name: string): { counters: number[]; assigned: [string, number][] } | undefined {
    const st = this.teams.get(name);
    return st ? { counters: [...st.current], assigned: [...st.daily] } : undefined;
  }

  /** One pick of the order: every counter grows by its weight, the highest (first on ties) drops by the total. */
  private step(st: TeamState, ms: { weight: number }[]): number {
    let total = 0;
    let best = -1;
    for (let i = 0; i < ms.length; i++) {
      st.current[i]! += ms[i]!.weight;
      total += ms[i]!.weight;
      if (best < 0 || st.current[i]! > st.current[best]!) best = i;
    }
    st.current[best]! -= total;
    return best;
  }
}
