/** Formatter options: tabs and aligned rule colons, both idempotent and token-preserving. */
import { describe, expect, it } from "vitest";
import { format } from "../../core/format/format.js";

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
});
