/** Formatter options: tabs and aligned rule colons, both idempotent and token-preserving. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { format } from "../../core/format/format.js";
import { parse } from "../../core/syntax/parse.js";
import { crmFiles } from "../support/files.js";

const src = 'score fit "Fit" {\n  rule a: +20 when true\n  rule longer_name: +5 when true\n  // a comment ends the run\n  rule c: +1 when true\n  rule dd: +1 when true\n}\n';

describe("format options", () => {
  it("lines up the colons of consecutive rule lines (alignRuleColons), and only of those", () => {
    const out = format(src, { alignRuleColons: true });
    expect(out).toBe('score fit "Fit" {\n  rule a          : +20 when true\n  rule longer_name: +5 when true\n  // a comment ends the run\n  rule c : +1 when true\n  rule dd: +1 when true\n}\n');
    expect(format(out, { alignRuleColons: true })).toBe(out);
    // Without the option the padding goes again.
    expect(format(out)).toBe(src);
  });
  it("indents with one tab per level (useTabs)", () => {
    const out = format(src, { useTabs: true, indent: 4 });
    expect(out).toBe(src.replace(/\n  /g, "\n\t"));
    expect(format(out, { useTabs: true })).toBe(out);
  });
  it("breaks a condition longer than maxLineLength before and / or, outside brackets and between … and", () => {
    const long = 'score s "S" {\n  rule r: +5 when lead.size between 10 and 500 and lead.role in [a, b, c] or lead.country == NO and (lead.x == 1 or lead.y == 2)\n}\n';
    const out = format(long, { maxLineLength: 60 });
    expect(out).toBe(
      'score s "S" {\n' +
        "  rule r: +5 when lead.size between 10 and 500\n" +
        "    and lead.role in [a, b, c] or lead.country == NO\n" +
        "    and (lead.x == 1 or lead.y == 2)\n" +
        "}\n",
    );
    expect(format(out, { maxLineLength: 60 })).toBe(out);
    // Short enough: untouched; no limit: untouched.
    expect(format(long, { maxLineLength: 200 })).toBe(long);
    expect(format(long)).toBe(long);
  });
  it("keeps every token and stays idempotent with every option on each example file", () => {
    const files = crmFiles(new URL("../../examples", import.meta.url).pathname);
    expect(files.length).toBeGreaterThan(5);
    const toks = (t: string) => parse(t).tokens.map((x) => x.image).join(" ");
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      for (const o of [{ maxLineLength: 40 }, { maxLineLength: 80, alignRuleColons: true, useTabs: true }]) {
        const once = format(text, o);
        expect(format(once, o), f).toBe(once);
        expect(toks(once), f).toBe(toks(text));
        // A broken line never starts a statement anew: reading it back gives the same tree shape.
        expect(parse(once).diagnostics.length, f).toBe(parse(text).diagnostics.length);
      }
    }
  });
});
