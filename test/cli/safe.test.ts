// cli/output/safe.ts: what reaches a terminal or a review page.
import { describe, expect, it } from "vitest";
import { escapeControls, jsonSafe, sanitize } from "../../cli/output/safe.js";

describe("safe text", () => {
  it("escapes controls, escape sequences and bidirectional characters; keeps line feeds and tabs in whole outputs", () => {
    expect(sanitize("a\u001b[2Jb\u202ec\n\td\r\u0085")).toBe("a\\u{001B}[2Jb\\u{202E}c\n\td\\u{000D}\\u{0085}");
    expect(escapeControls("a\nb")).toBe("a\\u{000A}b");
  });

  it("keeps the colour sequences only when colour is on, and escapes every other escape sequence", () => {
    expect(sanitize("\u001b[31mred\u001b[39m \u001b]0;title\u0007", true)).toBe("\u001b[31mred\u001b[39m \\u{001B}]0;title\\u{0007}");
    expect(sanitize("\u001b[31mred\u001b[39m", false)).toBe("\\u{001B}[31mred\\u{001B}[39m");
  });

  it("leaves ordinary text alone, joiners in emoji and scripts included", () => {
    const family = "\u{1F468}\u200d\u{1F469}\u200d\u{1F467}";
    expect(sanitize(`Ärger ${family} مرحبا 東京`)).toBe(`Ärger ${family} مرحبا 東京`);
  });

  it("writes JSON's invisible characters as escapes of the same value", () => {
    const json = JSON.stringify({ name: "a\u202eb\u2066c" });
    expect(jsonSafe(json)).toBe('{"name":"a\\u202eb\\u2066c"}');
    expect(JSON.parse(jsonSafe(json))).toEqual({ name: "a\u202eb\u2066c" });
  });
});
