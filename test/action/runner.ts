/**
 * A small local runner for composite actions, enough for action.yml: it
 * evaluates `${{ … }}` (inputs, github, steps.<id>.outputs, env; `==`, `!=`,
 * `&&`, `||`, `always()`, `success()`, `failure()`, string literals), runs each
 * `run:` step with bash as a runner would (GITHUB_OUTPUT, GITHUB_ENV-free
 * environment, the step's `env:`), and records each `uses:` step with its
 * evaluated `with:` instead of running it (those are other repositories'
 * actions).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { load } from "js-yaml";

export interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

export interface ActionFile {
  name: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepRecord {
  step: ActionStep;
  ran: boolean;
  exitCode?: number;
  stdout?: string;
  with?: Record<string, string>;
}

export interface RunOptions {
  actionPath: string;
  workspace: string;
  inputs: Record<string, string>;
  github: Record<string, string>;
  /** Extra environment (GITHUB_* variables a runner sets). */
  env: Record<string, string>;
}

export function loadAction(file: string): ActionFile {
  return load(readFileSync(file, "utf8")) as ActionFile;
}

type Ctx = { inputs: Record<string, string>; github: Record<string, string>; steps: Record<string, { outputs: Record<string, string> }>; env: Record<string, string>; failed: boolean };

function lookup(ref: string, ctx: Ctx): string {
  const parts = ref.split(".");
  if (parts[0] === "inputs") return ctx.inputs[parts.slice(1).join(".")] ?? "";
  if (parts[0] === "github") return ctx.github[parts[1]!] ?? "";
  if (parts[0] === "env") return ctx.env[parts[1]!] ?? "";
  if (parts[0] === "steps" && parts[2] === "outputs") return ctx.steps[parts[1]!]?.outputs[parts.slice(3).join(".")] ?? "";
  throw new Error(`the local runner does not know \`${ref}\``);
}

function term(t: string, ctx: Ctx): string | boolean {
  t = t.trim();
  if (t === "always()") return true;
  if (t === "success()") return !ctx.failed;
  if (t === "failure()") return ctx.failed;
  const lit = /^'((?:[^']|'')*)'$/.exec(t);
  if (lit) return lit[1]!.replace(/''/g, "'");
  const cmp = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(t);
  if (cmp) {
    const a = term(cmp[1]!, ctx);
    const b = term(cmp[3]!, ctx);
    return cmp[2] === "==" ? a === b : a !== b;
  }
  if (/^[\w.-]+$/.test(t)) return lookup(t, ctx);
  throw new Error(`the local runner cannot evaluate \`${t}\``);
}

/** Evaluates an expression (without `${{ }}`). */
export function evaluate(expr: string, ctx: Ctx): string | boolean {
  const ors = expr.split("||");
  if (ors.length > 1) return ors.some((o) => truthy(evaluate(o, ctx)));
  const ands = expr.split("&&");
  if (ands.length > 1) return ands.every((a) => truthy(evaluate(a, ctx)));
  return term(expr, ctx);
}

const truthy = (v: string | boolean) => v !== false && v !== "";

/** Replaces every `${{ … }}` in a string. */
export function interpolate(s: string, ctx: Ctx): string {
  return s.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, e: string) => String(evaluate(e, ctx)));
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const heredoc = /^([\w-]+)<<(.+)$/.exec(l);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]!);
      out[heredoc[1]!] = body.join("\n");
    } else if (l.includes("=")) out[l.slice(0, l.indexOf("="))] = l.slice(l.indexOf("=") + 1);
  }
  return out;
}

/** Runs a command without blocking the event loop (a test's fake server answers meanwhile). */
function exec(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (output += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? 1, output }));
  });
}

/** Runs the action's steps as a runner would; returns each step's record and the action's outputs. */
export async function runAction(action: ActionFile, o: RunOptions): Promise<{ steps: StepRecord[]; outputs: Record<string, string>; failed: boolean }> {
  if (action.runs.using !== "composite") throw new Error("not a composite action");
  const defaults: Record<string, string> = {};
  const ctx0: Ctx = { inputs: {}, github: { ...o.github, action_path: o.actionPath, workspace: o.workspace }, steps: {}, env: {}, failed: false };
  for (const [k, v] of Object.entries(action.inputs)) defaults[k] = o.inputs[k] ?? (v.default !== undefined ? interpolate(String(v.default), ctx0) : "");
  for (const k of Object.keys(o.inputs)) if (!(k in action.inputs)) throw new Error(`unknown input \`${k}\``);
  const ctx: Ctx = { ...ctx0, inputs: defaults };
  const temp = mkdtempSync(path.join(tmpdir(), "crmrules-runner-"));
  const records: StepRecord[] = [];
  for (const [n, step] of action.runs.steps.entries()) {
    const cond = step.if === undefined ? "success()" : step.if.replace(/^\$\{\{\s*|\s*\}\}$/g, "");
    if (!truthy(evaluate(cond, ctx))) {
      records.push({ step, ran: false });
      continue;
    }
    if (step.uses) {
      const withs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
      records.push({ step, ran: true, with: withs });
      continue;
    }
    if (step.shell !== "bash") throw new Error(`step ${n}: the local runner runs bash steps only`);
    const outFile = path.join(temp, `output-${n}`);
    writeFileSync(outFile, "");
    const script = path.join(temp, `step-${n}.sh`);
    writeFileSync(script, interpolate(step.run!, ctx));
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
    const r = await exec("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: o.workspace,
      env: { ...process.env, ...o.env, GITHUB_OUTPUT: outFile, GITHUB_WORKSPACE: o.workspace, GITHUB_ACTION_PATH: o.actionPath, ...stepEnv },
    });
    if (r.status !== 0) ctx.failed = true;
    if (step.id) ctx.steps[step.id] = { outputs: parseOutputs(readFileSync(outFile, "utf8")) };
    records.push({ step, ran: true, exitCode: r.status, stdout: r.output });
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, interpolate(v.value, ctx)]));
  return { steps: records, outputs, failed: ctx.failed };
}
