/** Minimal XML writing for JUnit reports. */
import { sanitize } from "./safe.js";

export function xmlEscape(s: string): string {
  // Characters XML 1.0 forbids (control characters, U+FFFE, U+FFFF) and invisible bidirectional
  // controls are shown as `\u{XXXX}` (cli/output/safe.ts); the rest is escaped.
  return sanitize(s)
    .replace(/[\uFFFE\uFFFF]/g, (ch) => `\\u{${ch.charCodeAt(0).toString(16).toUpperCase()}}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join("");
}

export interface JUnitCase {
  name: string;
  classname: string;
  file?: string;
  line?: number;
  /** Seconds; left out when unknown (a case is not timed on its own). */
  time?: number;
  failure?: { message: string; type: string; body: string };
  /** The case could not run as meant (for `test`: the rules have errors). */
  error?: { message: string; type: string; body: string };
  skipped?: string;
}

export interface JUnitSuite {
  name: string;
  file?: string;
  /** Seconds; default: the sum of the cases' times, when any is timed. */
  time?: number;
  cases: JUnitCase[];
}

/** Seconds with millisecond precision, as JUnit readers expect (`0.004`). */
export function seconds(s: number | undefined): string | undefined {
  return s === undefined ? undefined : s.toFixed(3);
}

function suiteTime(s: JUnitSuite): number | undefined {
  if (s.time !== undefined) return s.time;
  const timed = s.cases.filter((c) => c.time !== undefined);
  return timed.length ? timed.reduce((n, c) => n + c.time!, 0) : undefined;
}

/**
 * A JUnit XML report in the shape the Jenkins schema (junit-4.xsd) allows, plus
 * the common `file` and `line` extension attributes on suites and cases
 * (GitHub's and GitLab's test reporters read them).
 */
export function junit(name: string, suites: JUnitSuite[]): string {
  const all = suites.flatMap((s) => s.cases);
  const count = (cases: JUnitCase[]) => ({
    tests: cases.length,
    failures: cases.filter((c) => c.failure).length,
    errors: cases.filter((c) => c.error).length,
    skipped: cases.filter((c) => c.skipped !== undefined).length,
  });
  const times = suites.map(suiteTime);
  const total = times.some((t) => t !== undefined) ? times.reduce((n: number, t) => n + (t ?? 0), 0) : undefined;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  // The Jenkins schema has no `skipped` on <testsuites>; each <testsuite> carries it.
  const { skipped: _skipped, ...totals } = count(all);
  out.push(`<testsuites${attrs({ name, ...totals, time: seconds(total) })}>`);
  suites.forEach((s, i) => {
    out.push(`  <testsuite${attrs({ name: s.name, ...count(s.cases), time: seconds(times[i]), file: s.file })}>`);
    for (const c of s.cases) {
      const head = `    <testcase${attrs({ name: c.name, classname: c.classname, time: seconds(c.time), file: c.file, line: c.line })}`;
      if (!c.failure && !c.error && c.skipped === undefined) {
        out.push(`${head}/>`);
        continue;
      }
      out.push(`${head}>`);
      if (c.skipped !== undefined) out.push(`      <skipped${attrs({ message: c.skipped })}/>`);
      if (c.error) out.push(`      <error${attrs({ message: c.error.message, type: c.error.type })}>${xmlEscape(c.error.body)}</error>`);
      if (c.failure) out.push(`      <failure${attrs({ message: c.failure.message, type: c.failure.type })}>${xmlEscape(c.failure.body)}</failure>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  });
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}
