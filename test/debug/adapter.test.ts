/**
 * The journey debugger's adapter (dist/debug.js) driven over stdio with Debug Adapter Protocol
 * messages, as VS Code drives it: stops, stack frames, variables, step in to a condition's
 * operands, breakpoints on journey steps and rules, timers as steps, the end, bad launches.
 */
import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { encodeMessage, MessageReader, type ProtocolMessage } from "../../debug/wire.js";

const adapter = resolve("dist/debug.js");
const acme = resolve("examples/acme");
const decayFile = `${acme}/journeys/engagement-decay.crmrules`;
const roundRobinFile = `${acme}/journeys/emea-sdr-round-robin.crmrules`;

class Client {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly messages: ProtocolMessage[] = [];
  private seq = 1;
  private waiters: (() => void)[] = [];
  stderr = "";
  exited: Promise<number | null>;
  constructor() {
    this.proc = spawn(process.execPath, [adapter], { cwd: acme });
    const reader = new MessageReader(
      (m) => {
        this.messages.push(m);
        for (const w of this.waiters.splice(0)) w();
      },
      (e) => {
        throw new Error(`the adapter wrote a broken message: ${e}`);
      },
    );
    this.proc.stdout.on("data", (b: Buffer) => reader.feed(b));
    this.proc.stderr.on("data", (b: Buffer) => (this.stderr += b.toString()));
    this.exited = new Promise((r) => this.proc.on("exit", (code) => r(code)));
  }
  raw(bytes: Buffer | string): void {
    this.proc.stdin.write(bytes);
  }
  async until<T>(what: string, find: () => T | undefined, ms = 15000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = find();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.command ?? m.event))}\n${this.stderr}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }
  async request(command: string, args?: object): Promise<any> {
    const seq = this.seq++;
    this.raw(encodeMessage({ seq, type: "request", command, ...(args ? { arguments: args } : {}) }));
    return this.until(`the response to ${command}`, () => this.messages.find((m) => m.type === "response" && m.request_seq === seq));
  }
  /** The next event named `name` after the `from`-th message. */
  async event(name: string, from = 0): Promise<any> {
    return this.until(`event ${name}`, () => this.messages.slice(from).find((m) => m.type === "event" && m.event === name));
  }
  mark(): number {
    return this.messages.length;
  }
  /** Starts a session: initialize, launch, breakpoints, configurationDone; returns the first stop or termination. */
  async start(launch: object, setup: (c: Client) => Promise<void> = async () => {}): Promise<any> {
    const init = await this.request("initialize", { adapterID: "crmrules", linesStartAt1: true, columnsStartAt1: true });
    expect(init.success).toBe(true);
    await this.event("initialized");
    const l = await this.request("launch", launch);
    if (!l.success) return l;
    await setup(this);
    const at = this.mark();
    await this.request("configurationDone");
    return this.until("a stop or the end", () => this.messages.slice(at).find((m) => m.type === "event" && (m.event === "stopped" || m.event === "terminated")));
  }
  async top(): Promise<any> {
    const st = await this.request("stackTrace", { threadId: 1 });
    expect(st.success).toBe(true);
    return st.body.stackFrames;
  }
  async scope(name: string, frameId = 1): Promise<any[]> {
    const sc = await this.request("scopes", { frameId });
    const s = sc.body.scopes.find((x: any) => x.name === name);
    if (!s) throw new Error(`no scope ${name}: ${sc.body.scopes.map((x: any) => x.name)}`);
    return (await this.request("variables", { variablesReference: s.variablesReference })).body.variables;
  }
  async children(v: any): Promise<any[]> {
    return (await this.request("variables", { variablesReference: v.variablesReference })).body.variables;
  }
  /** Sends a move and waits for the stop or the end it causes. */
  async move(command: string): Promise<any> {
    const at = this.mark();
    const r = await this.request(command, { threadId: 1 });
    expect(r.success).toBe(true);
    return this.until(`the stop after ${command}`, () => this.messages.slice(at).find((m) => m.type === "event" && (m.event === "stopped" || m.event === "terminated")));
  }
}

let clients: Client[] = [];
const client = () => {
  const c = new Client();
  clients.push(c);
  return c;
};

beforeAll(() => {
  if (!existsSync(adapter)) throw new Error("dist/debug.js is missing: run `npm run build`");
});
afterEach(() => {
  for (const c of clients) c.proc.kill();
  clients = [];
});

const lineOf = (file: string, needle: string) => readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("the journey debug adapter over stdio", () => {
  it("stops on entry at the start, steps over every step with timers as steps of their own at their time, and ends with the expectations", async () => {
    const c = client();
    const stop = await c.start({ file: decayFile, journey: "Finnish marina engineer's interest fades", stopOnEntry: true });
    expect(stop.event).toBe("stopped");
    expect(stop.body.reason).toBe("entry");
    const threads = await c.request("threads");
    expect(threads.body.threads).toEqual([{ id: 1, name: 'journey "Finnish marina engineer\'s interest fades"' }]);
    expect((await c.top())[0].name).toMatch(/^day 0: lead arrives/);
    const names: string[] = [];
    for (let i = 0; i < 200; i++) {
      const s = await c.move("next");
      if (s.event === "terminated") break;
      names.push((await c.top())[0].name);
    }
    const timers = names.filter((n) => / timer /.test(n));
    expect(timers.filter((n) => n.includes("timer decay"))).toEqual([expect.stringMatching(/^day 30: timer decay \(engagement\)/), expect.stringMatching(/^day 60: timer decay/), expect.stringMatching(/^day 90: timer decay/)]);
    expect(timers.some((n) => /^day 105: timer inactivity \(engagement\.gone_quiet\)/.test(n))).toBe(true);
    expect(timers.some((n) => /timer wait \(workflow/.test(n))).toBe(true);
    expect(names.at(-1)).toMatch(/^end of journey .*: 10 of 10 expectations passed/);
    const out = c.messages.filter((m) => m.event === "output").map((m: any) => m.body.output).join("");
    expect(out).toMatch(/ended at day 105: 10 of 10 expectations passed/);
    expect((c.messages.find((m) => m.event === "exited") as any).body.exitCode).toBe(0);
  });

  it("a line breakpoint on a journey step stops there, with the lead's fields, scores, consent, pending timers and expectations so far as variables", async () => {
    const c = client();
    const line = lineOf(decayFile, "day 29 expect score engagement == 42");
    const stop = await c.start({ file: decayFile, journey: "Finnish marina engineer's interest fades" }, async (c) => {
      const bp = await c.request("setBreakpoints", { source: { path: decayFile }, breakpoints: [{ line }, { line: 1 }] });
      expect(bp.body.breakpoints.map((b: any) => b.verified)).toEqual([true, false]);
      expect(bp.body.breakpoints[1].message).toBe("no journey step or rule starts on this line");
    });
    expect(stop.body.reason).toBe("breakpoint");
    const [frame] = await c.top();
    expect(frame.line).toBe(line);
    expect(frame.source.path).toBe(decayFile);
    const lead = await c.scope("Lead");
    const fields = await c.children(lead.find((v) => v.name === "fields"));
    expect(fields.find((v) => v.name === "country").value).toBe('"FI"');
    const scores = await c.children(lead.find((v) => v.name === "scores"));
    expect(scores.find((v) => v.name === "engagement").value).toBe("42");
    expect(lead.find((v) => v.name === "stage").value).toMatch(/^engaged/);
    const consent = await c.scope("Consent");
    expect(consent.find((v) => v.name === "email_marketing").value).toMatch(/^allowed/);
    const timers = await c.scope("Timers");
    expect(timers.some((v) => v.name.endsWith("decay") && v.value === "engagement, due day 30")).toBe(true);
    const expectations = await c.scope("Expectations");
    expect(expectations.map((v) => v.name)).toEqual(["expect stage == engaged"]);
    const ev = await c.request("evaluate", { expression: "engagement", frameId: 1, context: "watch" });
    expect(ev.body.result).toBe("42");
    const bad = await c.request("evaluate", { expression: "engagment", frameId: 1, context: "watch" });
    expect(bad.success).toBe(false);
    expect(bad.message).toMatch(/did you mean `engagement`/);
    // a bare field name is evaluated, so a typo of one is told the field (not `lead.country`, too far to suggest)
    expect((await c.request("evaluate", { expression: "country", frameId: 1, context: "hover" })).body.result).toBe('"FI"');
    expect((await c.request("evaluate", { expression: "countr", frameId: 1, context: "hover" })).message).toMatch(/did you mean `country`\?/);
    // the next step is the day-30 decay timer, before the day-30 expectation
    await c.move("next");
    expect((await c.top()).map((f: any) => f.name)).toEqual([expect.stringMatching(/^day 30: timer decay \(engagement\)/), expect.stringMatching(/^journey: the clock moves on to the step at line /)]);
    // continuing with no other breakpoint runs to the end
    const end = await c.move("continue");
    expect(end.event).toBe("terminated");
  });

  it("a function breakpoint stops when the rule fires; step in shows the condition, its parts and each operand's value; step out leaves it", async () => {
    const c = client();
    const stop = await c.start({ file: roundRobinFile }, async (c) => {
      const bp = await c.request("setFunctionBreakpoints", { breakpoints: [{ name: "mql_handover.sdr_qualification" }, { name: "fit.nope" }] });
      expect(bp.body.breakpoints[0].verified).toBe(true);
      expect(bp.body.breakpoints[1]).toMatchObject({ verified: false });
      expect(bp.body.breakpoints[1].message).toMatch(/no score rule or routing rule is named `fit.nope`/);
    });
    expect(stop.body.reason).toBe("breakpoint");
    expect(stop.body.hitBreakpointIds).toHaveLength(1);
    const frames = await c.top();
    expect(frames[0].name).toMatch(/route mql_handover: sdr_qualification -> team sdr \(owner sofia\)/);
    expect(frames[0].line).toBe(lineOf(`${acme}/routing.crmrules`, "rule sdr_qualification"));
    expect(frames[1].name).toMatch(/^day 6 at 10:00: event content_downloaded/);
    expect(frames[1].line).toBe(lineOf(roundRobinFile, "day 6 at 10:00 content_downloaded"));
    const evaluation = await c.scope("Evaluation");
    expect(evaluation.find((v) => v.name === "target").value).toBe("team sdr (owner sofia)");
    const teams = await c.scope("Teams");
    expect(teams.find((v) => v.name === "sdr").value).toMatch(/round_robin, cap 25 per day/);
    // step in: the rules tried first, each false, then the rule that held with its operand
    await c.move("stepIn");
    expect((await c.top())[0].name).toBe("rule competitors (tried first: false): lead.email.domain in competitors → false");
    await c.move("next");
    expect((await c.top())[0].name).toMatch(/^rule key_accounts \(tried first: false\): lead.country in nordics and lead.company_size >= 500 → false/);
    await c.move("stepIn");
    const part = await c.top();
    expect(part[0].name).toBe("lead.country in nordics → false");
    expect(part[1].name).toMatch(/^rule key_accounts/);
    const cond = await c.scope("Condition");
    expect(cond.find((v) => v.name === "operands").value).toBe('lead.country = "NL"');
    await c.move("next");
    expect((await c.top())[0].name).toBe("lead.company_size >= 500 → false");
    expect((await c.scope("Condition")).find((v) => v.name === "operands").value).toBe("lead.company_size = 250");
    await c.move("next");
    const chosen = await c.top();
    expect(chosen[0].name).toBe("rule sdr_qualification: lead.country in nordics + emea → true");
    expect((await c.scope("Condition")).find((v) => v.name === "value").value).toBe("true");
    // step out: to what the routing decision led to next
    await c.move("stepOut");
    const after = await c.top();
    expect(after[0].name).not.toMatch(/→/);
    expect(after.at(-1).name).toMatch(/^day 6 at 10:00: event content_downloaded/);
    // step back reads the recording backwards
    await c.move("stepBack");
    expect((await c.top())[0].name).toBe("rule sdr_qualification: lead.country in nordics + emea → true");
  });

  it("a line breakpoint on a rule stops each time it fires, and an inactivity rule's line stops at its timer", async () => {
    const c = client();
    const scoring = `${acme}/scoring.crmrules`;
    const stop = await c.start({ file: decayFile }, async (c) => {
      const bp = await c.request("setBreakpoints", { source: { path: scoring }, breakpoints: [{ line: lineOf(scoring, "rule gone_quiet") }] });
      expect(bp.body.breakpoints[0].verified).toBe(true);
    });
    expect(stop.body.reason).toBe("breakpoint");
    const frames = await c.top();
    expect(frames[0].name).toMatch(/^day 105: timer inactivity \(engagement\.gone_quiet\)/);
    expect(frames[0].source.path).toBe(scoring);
    expect((await c.scope("Step")).find((v) => v.name === "kind").value).toBe("timer");
    expect((await c.move("continue")).event).toBe("terminated");
  });

  it("bad launches get a clear error and the adapter keeps answering", async () => {
    const c = client();
    await c.request("initialize", { adapterID: "crmrules" });
    const missing = await c.request("launch", {});
    expect(missing).toMatchObject({ success: false, message: "launch: `file` is missing: the path of the .crmrules file that holds the journey" });
    const nofile = await c.request("launch", { file: `${acme}/nope.crmrules`, journey: "x" });
    expect(nofile.message).toBe(`launch: \`file\` "${acme}/nope.crmrules" is not a file`);
    const seed = await c.request("launch", { file: decayFile, seed: "one" });
    expect(seed.message).toBe('launch: `seed` must be a whole number, got "one"');
    const typo = await c.request("launch", { file: roundRobinFile, journey: "Dutch head of sales goes to the SDR round-robin" });
    expect(typo.message).toBe(`launch: "${roundRobinFile}" has no journey named "Dutch head of sales goes to the SDR round-robin"; did you mean "Dutch head of sales goes to the SDR round robin"?`);
    const early = await c.request("stackTrace", { threadId: 1 });
    expect(early.message).toBe("no journey is launched: send `launch` with a `file` and a `journey` first");
    const unknown = await c.request("readMemory", {});
    expect(unknown.message).toBe("the crmrules debugger does not support the request `readMemory`");
    // broken framing and JSON are reported on stderr output, and the next message is still read
    c.raw("Content-Length: 5\r\n\r\n{nope");
    await c.until("the report of the broken message", () => c.messages.find((m: any) => m.event === "output" && /is not JSON/.test(m.body.output)));
    const ok = await c.request("launch", { file: decayFile });
    expect(ok.success).toBe(true);
    await c.request("disconnect");
    c.proc.stdin.end();
    expect(await c.exited).toBe(0);
  });

  it("a journey with several leads: frames name the lead, the Leads scope shows each one", async () => {
    const c = client();
    const file = resolve("examples/team-caps/journeys/daily-cap.crmrules");
    const stop = await c.start({ file, root: resolve("examples/team-caps") }, async (c) => {
      await c.request("setBreakpoints", { source: { path: file }, breakpoints: [{ line: lineOf(file, "day 0 at 09:40 eva") }] });
    });
    expect(stop.body.reason).toBe("breakpoint");
    expect((await c.top())[0].name).toMatch(/^day 0 at 09:40: eva: event form_submitted/);
    const leads = await c.scope("Leads");
    expect(leads.filter((v) => /team sdr|owner/.test(v.value)).map((v) => v.name)).toEqual(["ana", "ben", "cai", "dag"]);
    // Rules without scores: no empty part before the stage (it read "; new; team sdr (owner sofia)").
    expect(leads.find((v) => v.name === "ana")!.value).toBe("new; team sdr (owner sofia)");
    expect((await c.move("next")).event).toBe("stopped");
    expect((await c.top())[0].name).toMatch(/ana: PASS ana: expect routed to owner sofia|PASS ana: expect routed to owner sofia/);
  });

  it("answers every request, however wrong its arguments, and never exits before disconnect", async () => {
    const c = client();
    await c.start({ file: roundRobinFile, stopOnEntry: true });
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const commands = ["next", "stepIn", "stepOut", "stepBack", "reverseContinue", "continue", "stackTrace", "scopes", "variables", "evaluate", "setBreakpoints", "setFunctionBreakpoints", "threads", "pause", "launch", "source", "goto"];
    const junk = [undefined, null, 0, -1, 1.5, 99999, "", "x", "fit", "lead.country", [], {}, { path: 3 }, { path: roundRobinFile }, [{ line: "a" }], [{ name: 4 }], [{ line: 20 }], true];
    for (let i = 0; i < 150; i++) {
      const command = commands[rnd(commands.length)]!;
      const args: Record<string, unknown> = {};
      for (const k of ["threadId", "frameId", "variablesReference", "expression", "source", "breakpoints", "file", "lines"]) if (rnd(3) === 0) args[k] = junk[rnd(junk.length)];
      const r = await c.request(command, args);
      expect(typeof r.success).toBe("boolean");
      if (!r.success) expect(r.message).toMatch(/\S/);
      expect(r.message ?? "").not.toMatch(/internal error/);
    }
    expect(c.proc.exitCode).toBe(null);
    expect((await c.request("threads")).success).toBe(true);
  });

  it("splits and joins messages as the base protocol allows", () => {
    const got: ProtocolMessage[] = [];
    const errors: string[] = [];
    const r = new MessageReader((m) => got.push(m), (e) => errors.push(e));
    const a = encodeMessage({ seq: 1, type: "request", command: "threads", arguments: { x: "é" } });
    const b = encodeMessage({ seq: 2, type: "request", command: "next" });
    const all = Buffer.concat([a, b]);
    for (let i = 0; i < all.length; i += 7) r.feed(all.subarray(i, i + 7));
    expect(got.map((m) => m.seq)).toEqual([1, 2]);
    expect((got[0] as any).arguments.x).toBe("é");
    r.feed("Content-Type: x\r\n\r\n");
    r.feed(b);
    expect(errors).toEqual(['a message header has no Content-Length: "Content-Type: x"']);
    expect(got).toHaveLength(3);
  });
});
