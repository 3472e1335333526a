/**
 * The oracle of bulk replay with shared teams (docs/language.md §8 "Teams across leads"), written
 * plainly from the spec: every lead's simulation is alive at once, and one loop takes, again and
 * again, the next thing to happen in the whole log: the earliest of every lead's next record and
 * its next timer (a lead's timers fire only up to its last record, as they do in a lead's replay),
 * by time on the shared clock, then lead id, then the lead's own order (its timers before its
 * record at one time). Every lead asks one `RoutingPool`, from the replay seed. No passes, no
 * scripts, no provisional answers: what core/engine/bulk/sharedReplay.ts must equal.
 */
import { Simulation, RoutingPool } from "../../core/engine/index.js";
import type { CompiledRules } from "../../core/engine/compile.js";
import { earliestDue } from "../../core/engine/timers.js";
import type { PickAnswer, PickTeam } from "../../core/engine/roundRobin.js";
import { epochOf, minutesOf, leadOutcome, sharedDay, sharedOffset, type LeadOutcome, type LogRecord, type TeamPick } from "../../core/engine/bulk/index.js";

/** A lead's window onto the one pool: its own clock moved onto the shared one; its picks noted for its outcome. */
class LeadWindow extends RoutingPool {
  readonly picks: TeamPick[] = [];
  constructor(
    private readonly shared: RoutingPool,
    private readonly offset: number,
    private readonly iso: boolean,
  ) {
    super(0);
  }
  override pick(team: PickTeam, now: number): PickAnswer {
    const a = this.shared.pick(team, now + this.offset);
    this.picks.push({ team: team.name, member: a.member, day: sharedDay(now + this.offset, this.iso) });
    return a;
  }
}

export function replayAllAtOnce(rules: CompiledRules, leads: readonly { lead: string; records: LogRecord[] }[], seed = 0): LeadOutcome[] {
  const zero = { line: 0, character: 0, offset: 0 };
  const shared = new RoutingPool(seed);
  const live = leads.map(({ lead, records }) => {
    const first = records[0]!;
    const epoch = epochOf(first.at);
    const offset = sharedOffset(epoch);
    const window = new LeadWindow(shared, offset, typeof first.at === "string");
    const sim = new Simulation(rules, { seed, pool: window, trace: false });
    const times = records.map((r) => minutesOf(r.at, epoch));
    return { lead, records, times, offset, window, sim, next: first.type === "lead" ? 1 : 0, started: false, last: 0, src: { uri: `log:${lead}`, range: { start: zero, end: zero } } };
  });
  for (;;) {
    // The next thing to happen: [shared time, lead, is it a timer (before a record at one time)].
    let best: (typeof live)[number] | null = null;
    let bestAt = Infinity;
    let bestTimer = false;
    for (const l of live) {
      let at: number;
      let timer = false;
      if (!l.started) at = l.offset; // the lead's start, at its day 0 00:00
      else if (l.next >= l.records.length) continue;
      else {
        const rec = l.times[l.next]!;
        const due = earliestDue(l.sim);
        timer = due <= rec;
        at = (timer ? due : rec) + l.offset;
      }
      if (at < bestAt || (at === bestAt && best !== null && l.lead < best.lead)) {
        best = l;
        bestAt = at;
        bestTimer = timer;
      }
    }
    if (!best) break;
    const l = best;
    if (!l.started) {
      const first = l.records[0]!;
      l.sim.start(first.type === "lead" ? first.fields : {}, l.src);
      l.started = true;
    } else if (bestTimer) l.sim.advanceTo(bestAt - l.offset);
    else {
      const r = l.records[l.next]!;
      const t = l.times[l.next]!;
      if (r.type === "event") l.sim.event(t, r.event, r.payload, l.src);
      else l.sim.update(t, r.fields, l.src);
      l.last = t;
      l.next++;
    }
  }
  return live.map((l) => leadOutcome(l.lead, l.records.length, l.last, l.sim.final(), [], l.window.picks));
}
