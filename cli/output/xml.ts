/** Minimal XML writing for JUnit reports. */
export function xmlEscape(s: string): string {
  // Characters XML 1.0 forbids are dropped; the rest is escaped.
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
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
  time?: number;
  failure?: { message: string; type: string; body: string };
  skipped?: string;
}

export interface JUnitSuite {
  name: string;
  file?: string;
  cases: JUnitCase[];
}

export function junit(name: string, suites: JUnitSuite[]): string {
  const total = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.cases.filter((c) => c.failure).length, 0);
  const skipped = suites.reduce((n, s) => n + s.cases.filter((c) => c.skipped !== undefined).length, 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites${attrs({ name, tests: total, failures, errors: 0, skipped })}>`);
  for (const s of suites) {
    const f = s.cases.filter((c) => c.failure).length;
    const sk = s.cases.filter((c) => c.skipped !== undefined).length;
    out.push(`  <testsuite${attrs({ name: s.name, tests: s.cases.length, failures: f, errors: 0, skipped: sk, file: s.file })}>`);
    for (const c of s.cases) {
      const head = `    <testcase${attrs({ name: c.name, classname: c.classname, file: c.file, line: c.line, time: c.time ?? 0 })}`;
      if (!c.failure && c.skipped === undefined) {
        out.push(`${head}/>`);
        continue;
      }
      out.push(`${head}>`);
      if (c.failure) out.push(`      <failure${attrs({ message: c.failure.message, type: c.failure.type })}>${xmlEscape(c.failure.body)}</failure>`);
      if (c.skipped !== undefined) out.push(`      <skipped${attrs({ message: c.skipped })}/>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}
