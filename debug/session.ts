/**
 * The journey debugger's Debug Adapter Protocol session (docs/debugger.md): answers the requests
 * of a client (VS Code, nvim-dap…) over the stepping API of core/engine/stepper.ts. It reads the
 * workspace's files when launched (the journey's workspace: `root`, else the folder holding
 * crmrules.json above the file, else the working folder when it holds the file, else the file's
 * folder), runs the journey once through the
 * engine, and then moves through the recording: every stop is instantaneous, so `pause` only
 * reports where the debugger is. A bad request gets an error response saying what was wrong; no
 * request ends the session but `disconnect` and `terminate`.
 */
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import type * as A from "../core/syntax/ast.js";
import { compile, type CompiledRules } from "../core/engine/index.js";
import { DebugCursor, stepJourney, type DebugPosition, type DebugVariable } from "../core/engine/stepper.js";
import { suggest } from "../core/text/didYouMean.js";
import { loadWorkspace, toPosix } from "../cli/files.js";
import { checkFiles } from "../cli/workspace.js";
import type { ProtocolMessage } from "./wire.js";

/** The launch configuration's attributes (package.json `contributes.debuggers[0].configurationAttributes.launch`). */
export interface LaunchArguments {
  file: string;
  journey?: string;
  seed?: number;
  stopOnEntry?: boolean;
  root?: string;
}

interface Request {
  seq: number;
  type: "request";
  command: string;
  arguments?: Record<string, unknown>;
}

const THREAD_ID = 1;

/** A breakpoint as the client set it, with the id it was answered with. */
interface LineBreakpoint {
  id: number;
  uri: string;
  path: string;
  line: number;
}

/** An error whose message is for the user (a bad argument), answered as an error response. */
class RequestError extends Error {}

export class JourneyDebugSession {
  private seq = 1;
  private linesStartAt1 = true;
  private columnsStartAt1 = true;
  private cursor: DebugCursor | null = null;
  private rules: CompiledRules | null = null;
  private launched: LaunchArguments | null = null;
  private configured = false;
  private started = false;
  private ended = false;
  private nextBreakpointId = 1;
  private lineBreakpoints = new Map<string, LineBreakpoint[]>();
  private functionBreakpoints: { id: number; name: string }[] = [];
  /** Variables of the current stop: reference → children (cleared at every move). */
  private refs = new Map<number, DebugVariable[]>();
  private nextRef = 1;
  /** Frames of the current stop, by id. */
  private frameIds = new Map<number, DebugPosition>();

  constructor(
    private readonly send: (m: object) => void,
    private readonly onExit: () => void = () => {},
  ) {}

  /** A message from the client. */
  handle(m: ProtocolMessage): void {
    if (m.type !== "request") return;
    const req = m as unknown as Request;
    if (typeof req.command !== "string") return this.output(`ignored a request without a command (seq ${String(req.seq)})`, "stderr");
    try {
      this.dispatch(req);
    } catch (err) {
      this.respondError(req, err instanceof RequestError ? err.message : `internal error in \`${req.command}\`: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** A message the reader could not read. */
  protocolError(message: string): void {
    this.output(`crmrules debugger: ${message}`, "stderr");
  }

  // ------------------------------------------------------------ requests

  private dispatch(req: Request): void {
    const args = req.arguments ?? {};
    switch (req.command) {
      case "initialize":
        this.linesStartAt1 = args["linesStartAt1"] !== false;
        this.columnsStartAt1 = args["columnsStartAt1"] !== false;
        this.respond(req, {
          supportsConfigurationDoneRequest: true,
          supportsFunctionBreakpoints: true,
          supportsEvaluateForHovers: true,
          supportsStepBack: true,
          supportsTerminateRequest: true,
          supportsBreakpointLocationsRequest: false,
          exceptionBreakpointFilters: [],
        });
        this.event("initialized");
        return;
      case "launch":
        return this.launch(req, args);
      case "setBreakpoints":
        return this.setBreakpoints(req, args);
      case "setFunctionBreakpoints":
        return this.setFunctionBreakpoints(req, args);
      case "setExceptionBreakpoints":
        return this.respond(req, { breakpoints: [] });
      case "configurationDone":
        this.configured = true;
        this.respond(req);
        return this.startIfReady();
      case "threads":
        return this.respond(req, { threads: [{ id: THREAD_ID, name: this.launched ? `journey ${JSON.stringify(this.cursor?.run.journey ?? this.launched.journey ?? "")}` : "journey" }] });
      case "stackTrace":
        return this.stackTrace(req, args);
      case "scopes":
        return this.scopes(req, args);
      case "variables":
        return this.variables(req, args);
      case "evaluate":
        return this.evaluate(req, args);
      case "next":
      case "stepIn":
      case "stepOut":
      case "continue":
      case "stepBack":
      case "reverseContinue":
        return this.move(req);
      case "pause": {
        this.respond(req);
        const c = this.running();
        return this.stopped("pause", c);
      }
      case "disconnect":
      case "terminate":
        this.respond(req);
        if (req.command === "terminate" && !this.ended) this.finish(false);
        if (req.command === "disconnect") this.onExit();
        return;
      default:
        throw new RequestError(`the crmrules debugger does not support the request \`${req.command}\``);
    }
  }

  private launch(req: Request, args: Record<string, unknown>): void {
    if (this.launched) throw new RequestError("a journey is launched already; start another debug session for another journey");
    const a = readLaunchArguments(args);
    const file = path.resolve(a.file);
    if (!existsSync(file) || !statSync(file).isFile()) throw new RequestError(`launch: \`file\` ${JSON.stringify(a.file)} is not a file`);
    const root = path.resolve(a.root ?? findRoot(file));
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new RequestError(`launch: \`root\` ${JSON.stringify(a.root)} is not a folder`);
    const uri = toPosix(file);
    const ws = loadWorkspace([root], { root });
    const check = checkFiles(ws.root, ws.files);
    if (!check.files.has(uri)) throw new RequestError(`launch: ${JSON.stringify(a.file)} is not a .crmrules file under the workspace root ${JSON.stringify(root)}`);
    const rules = compile(check, uri);
    const journeys = rules.journeys.filter((j) => j.uri === uri && j.journey.name).map((j) => j.journey);
    const decl = pickJourney(journeys, a.journey, a.file);
    const errors = check.diagnostics.filter((d) => d.severity === "error");
    if (errors.length) {
      const first = errors[0]!;
      this.output(`${errors.length} error${errors.length === 1 ? "" : "s"} in the workspace (the first: ${first.uri}:${first.range.start.line + 1}: ${first.message}); the journey runs over the declarations that compile`, "console");
    }
    let run;
    try {
      run = stepJourney(rules, decl, a.seed !== undefined ? { seed: a.seed } : {});
    } catch (err) {
      // What the recording refuses (several leads, too long a run) is said as it is.
      throw new RequestError(`launch: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.rules = rules;
    this.cursor = new DebugCursor(run, rules);
    this.launched = a;
    this.output(`journey ${JSON.stringify(run.journey)}: ${run.steps.length} steps (${run.steps.filter((s) => s.kind === "timer").length} timers), seed ${run.result.seed}`, "console");
    // Breakpoints the client set before the launch are checked now.
    for (const [uri2, list] of this.lineBreakpoints) this.applyLines(uri2, list, true);
    if (this.functionBreakpoints.length) this.applyFunctions(true);
    this.respond(req);
    this.startIfReady();
  }

  private startIfReady(): void {
    if (!this.cursor || !this.configured || this.started) return;
    this.started = true;
    const stopOnEntry = this.launched?.stopOnEntry === true;
    const stop = this.cursor.start(stopOnEntry);
    if (stop) this.stopped(stopOnEntry ? "entry" : "breakpoint", this.cursor);
    else this.finish(true);
  }

  private setBreakpoints(req: Request, args: Record<string, unknown>): void {
    const source = args["source"] as { path?: unknown } | undefined;
    if (!source || typeof source.path !== "string") throw new RequestError("setBreakpoints: the source has no `path`");
    const p = path.resolve(source.path);
    const uri = toPosix(p);
    const raw = Array.isArray(args["breakpoints"]) ? (args["breakpoints"] as { line?: unknown }[]).map((b) => b.line) : Array.isArray(args["lines"]) ? (args["lines"] as unknown[]) : [];
    const list: LineBreakpoint[] = raw.map((line) => {
      if (typeof line !== "number" || !Number.isInteger(line)) throw new RequestError(`setBreakpoints: a breakpoint's line must be a whole number, got ${JSON.stringify(line)}`);
      return { id: this.nextBreakpointId++, uri, path: source.path as string, line: line - (this.linesStartAt1 ? 1 : 0) };
    });
    this.lineBreakpoints.set(uri, list);
    this.respond(req, { breakpoints: this.applyLines(uri, list, false) });
  }

  private applyLines(uri: string, list: LineBreakpoint[], notify: boolean): object[] {
    const checks = this.cursor ? this.cursor.setLineBreakpoints(uri, list.map((b) => b.line)) : list.map(() => ({ verified: false, message: "checked when the journey is launched" }));
    const out = list.map((b, i) => ({ id: b.id, verified: checks[i]!.verified, message: checks[i]!.message, line: b.line + (this.linesStartAt1 ? 1 : 0), source: { path: b.path, name: path.basename(b.path) } }));
    if (notify) for (const bp of out) this.event("breakpoint", { reason: "changed", breakpoint: bp });
    return out;
  }

  private setFunctionBreakpoints(req: Request, args: Record<string, unknown>): void {
    const raw = Array.isArray(args["breakpoints"]) ? (args["breakpoints"] as { name?: unknown }[]) : [];
    this.functionBreakpoints = raw.map((b) => {
      if (typeof b?.name !== "string") throw new RequestError(`setFunctionBreakpoints: a breakpoint's name must be text (SCORE.RULE or ROUTE.RULE), got ${JSON.stringify(b?.name)}`);
      return { id: this.nextBreakpointId++, name: b.name };
    });
    this.respond(req, { breakpoints: this.applyFunctions(false) });
  }

  private applyFunctions(notify: boolean): object[] {
    const names = this.functionBreakpoints.map((b) => b.name);
    const checks = this.cursor ? this.cursor.setRuleBreakpoints(names) : names.map(() => ({ verified: false, message: "checked when the journey is launched" }));
    const out = this.functionBreakpoints.map((b, i) => ({ id: b.id, verified: checks[i]!.verified, message: checks[i]!.message }));
    if (notify) for (const bp of out) this.event("breakpoint", { reason: "changed", breakpoint: bp });
    return out;
  }

  private running(): DebugCursor {
    if (!this.cursor) throw new RequestError("no journey is launched: send `launch` with a `file` and a `journey` first");
    if (!this.started) throw new RequestError("the journey has not started: send `configurationDone` first");
    return this.cursor;
  }

  private current(): { cursor: DebugCursor; pos: DebugPosition } {
    const cursor = this.running();
    const pos = cursor.position;
    if (!pos || this.ended) throw new RequestError("the journey has ended");
    return { cursor, pos };
  }

  private stackTrace(req: Request, args: Record<string, unknown>): void {
    const { cursor, pos } = this.current();
    const frames = cursor.frames(pos);
    const start = typeof args["startFrame"] === "number" ? args["startFrame"] : 0;
    const levels = typeof args["levels"] === "number" && args["levels"] > 0 ? args["levels"] : frames.length;
    this.frameIds.clear();
    const out = frames.map((f, i) => {
      const id = i + 1;
      this.frameIds.set(id, f.pos);
      const r = f.source.range;
      return {
        id,
        name: f.name,
        source: { name: path.basename(f.source.uri), path: f.source.uri },
        line: r.start.line + (this.linesStartAt1 ? 1 : 0),
        column: r.start.character + (this.columnsStartAt1 ? 1 : 0),
        endLine: r.end.line + (this.linesStartAt1 ? 1 : 0),
        endColumn: r.end.character + (this.columnsStartAt1 ? 1 : 0),
      };
    });
    this.respond(req, { stackFrames: out.slice(start, start + levels), totalFrames: out.length });
  }

  private framePosition(args: Record<string, unknown>): { cursor: DebugCursor; pos: DebugPosition } {
    const { cursor, pos } = this.current();
    const id = args["frameId"];
    if (id === undefined) return { cursor, pos };
    if (this.frameIds.size === 0) cursor.frames(pos).forEach((f, i) => this.frameIds.set(i + 1, f.pos));
    const at = typeof id === "number" ? this.frameIds.get(id) : undefined;
    if (!at) throw new RequestError(`no stack frame has the id ${JSON.stringify(id)} at this stop`);
    return { cursor, pos: at };
  }

  private scopes(req: Request, args: Record<string, unknown>): void {
    const { cursor, pos } = this.framePosition(args);
    this.respond(req, { scopes: cursor.scopes(pos).map((s) => ({ name: s.name, variablesReference: this.ref(s.variables), expensive: s.expensive, namedVariables: s.variables.length })) });
  }

  private variables(req: Request, args: Record<string, unknown>): void {
    this.current();
    const ref = args["variablesReference"];
    const list = typeof ref === "number" ? this.refs.get(ref) : undefined;
    if (!list) throw new RequestError(`no variables have the reference ${JSON.stringify(ref)} at this stop`);
    this.respond(req, { variables: list.map((x) => ({ name: x.name, value: x.value, variablesReference: x.children?.length ? this.ref(x.children) : 0 })) });
  }

  private evaluate(req: Request, args: Record<string, unknown>): void {
    const expression = args["expression"];
    if (typeof expression !== "string") throw new RequestError("evaluate: `expression` must be text");
    const { cursor, pos } = this.framePosition(args);
    let answer;
    try {
      answer = cursor.evaluate(pos, expression);
    } catch (err) {
      throw new RequestError(err instanceof Error ? err.message : String(err));
    }
    this.respond(req, { result: answer.value, variablesReference: answer.children?.length ? this.ref(answer.children) : 0 });
  }

  private move(req: Request): void {
    const cursor = this.running();
    if (this.ended) throw new RequestError("the journey has ended");
    this.respond(req, req.command === "continue" ? { allThreadsContinued: true } : undefined);
    this.event("continued", { threadId: THREAD_ID, allThreadsContinued: true });
    switch (req.command) {
      case "next":
        cursor.next();
        break;
      case "stepIn":
        cursor.stepIn();
        break;
      case "stepOut":
        if (cursor.stepOut()) return this.stopped("breakpoint", cursor);
        break;
      case "continue":
        if (cursor.continue()) return this.stopped("breakpoint", cursor);
        return this.finish(true);
      case "stepBack":
        cursor.stepBack();
        break;
      case "reverseContinue":
        cursor.reverseContinue();
        return this.stopped(cursor.position && cursor.hitBy(cursor.position) ? "breakpoint" : "entry", cursor);
    }
    if (cursor.done) return this.finish(true);
    this.stopped("step", cursor);
  }

  private stopped(reason: string, cursor: DebugCursor): void {
    this.refs.clear();
    this.frameIds.clear();
    const pos = cursor.position;
    if (!pos) return this.finish(true);
    const hit = reason === "breakpoint" ? cursor.hitBy(pos) : null;
    const ids: number[] = [];
    if (hit !== null) {
      if (hit.kind === "line") for (const b of this.lineBreakpoints.get(hit.uri) ?? []) if (b.line === hit.line) ids.push(b.id);
      if (hit.kind === "rule") for (const b of this.functionBreakpoints) if (b.name.trim() === hit.name) ids.push(b.id);
    }
    const top = cursor.frames(pos)[0]!;
    this.event("stopped", { reason, threadId: THREAD_ID, allThreadsStopped: true, description: top.name, ...(ids.length ? { hitBreakpointIds: ids } : {}) });
  }

  /** The end of the journey: its expectations in the output, then `exited` and `terminated`. */
  private finish(report: boolean): void {
    if (this.ended) return;
    this.ended = true;
    const r = this.cursor?.run.result;
    if (report && r) {
      const passed = r.expectations.filter((e) => e.pass).length;
      const lines = [`journey ${JSON.stringify(r.journey)} ended at ${r.final.time}: ${passed} of ${r.expectations.length} expectations passed`];
      for (const e of r.expectations) if (!e.pass) lines.push(`  FAIL ${e.text} at ${e.time} (line ${e.source.range.start.line + 1}): expected ${e.expected}, actual ${e.actual}`);
      this.output(lines.join("\n"), "console");
    }
    this.event("exited", { exitCode: r && !r.passed ? 1 : 0 });
    this.event("terminated");
  }

  // ------------------------------------------------------------ messages

  private ref(list: DebugVariable[]): number {
    const id = this.nextRef++;
    this.refs.set(id, list);
    return id;
  }

  private respond(req: Request, body?: object): void {
    this.send({ seq: this.seq++, type: "response", request_seq: req.seq, success: true, command: req.command, ...(body ? { body } : {}) });
  }

  private respondError(req: Request, message: string): void {
    this.send({ seq: this.seq++, type: "response", request_seq: req.seq, success: false, command: req.command, message, body: { error: { id: 1, format: message, showUser: true } } });
  }

  private event(event: string, body?: object): void {
    this.send({ seq: this.seq++, type: "event", event, ...(body ? { body } : {}) });
  }

  private output(text: string, category: "console" | "stderr"): void {
    this.event("output", { category, output: text.endsWith("\n") ? text : `${text}\n` });
  }
}

/** The launch arguments, each checked: a clear error for a missing or mistyped one. */
export function readLaunchArguments(args: Record<string, unknown>): LaunchArguments {
  const file = args["file"];
  if (file === undefined || file === "") throw new RequestError("launch: `file` is missing: the path of the .crmrules file that holds the journey");
  if (typeof file !== "string") throw new RequestError(`launch: \`file\` must be a path, got ${JSON.stringify(file)}`);
  const out: LaunchArguments = { file };
  const journey = args["journey"];
  if (journey !== undefined && typeof journey !== "string") throw new RequestError(`launch: \`journey\` must be the journey's name, got ${JSON.stringify(journey)}`);
  if (typeof journey === "string") out.journey = journey;
  const seed = args["seed"];
  if (seed !== undefined && seed !== null) {
    if (typeof seed !== "number" || !Number.isSafeInteger(seed)) throw new RequestError(`launch: \`seed\` must be a whole number, got ${JSON.stringify(seed)}`);
    out.seed = seed;
  }
  const stop = args["stopOnEntry"];
  if (stop !== undefined && typeof stop !== "boolean") throw new RequestError(`launch: \`stopOnEntry\` must be true or false, got ${JSON.stringify(stop)}`);
  if (stop !== undefined) out.stopOnEntry = stop;
  const root = args["root"];
  if (root !== undefined && typeof root !== "string") throw new RequestError(`launch: \`root\` must be a folder's path, got ${JSON.stringify(root)}`);
  if (typeof root === "string" && root !== "") out.root = root;
  return out;
}

/** The journey a launch names (or the file's only one), or an error listing the file's journeys. */
function pickJourney(journeys: A.JourneyDecl[], name: string | undefined, file: string): A.JourneyDecl {
  const names = journeys.map((j) => j.name!.value);
  if (journeys.length === 0) throw new RequestError(`launch: ${JSON.stringify(file)} declares no journey`);
  if (name === undefined || name === "") {
    if (journeys.length === 1) return journeys[0]!;
    throw new RequestError(`launch: \`journey\` is missing and ${JSON.stringify(file)} declares ${journeys.length} journeys: ${names.map((n) => JSON.stringify(n)).join(", ")}`);
  }
  const found = journeys.find((j) => j.name!.value === name);
  if (found) return found;
  const near = suggest(name, names, 1)[0];
  throw new RequestError(`launch: ${JSON.stringify(file)} has no journey named ${JSON.stringify(name)}${near ? `; did you mean ${JSON.stringify(near)}?` : `; its journeys: ${names.map((n) => JSON.stringify(n)).join(", ")}`}`);
}

/** The workspace root for a file: the nearest folder above it holding crmrules.json, else the working folder when the file is under it, else the file's folder. */
function findRoot(file: string): string {
  let dir = path.dirname(file);
  for (;;) {
    if (existsSync(path.join(dir, "crmrules.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const cwd = process.cwd();
  return file.startsWith(cwd + path.sep) ? cwd : path.dirname(file);
}
