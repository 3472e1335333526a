// Unit tests of the CLI's building blocks (no subprocess).
import { describe, expect, it } from "vitest";
import { closest } from "../../cli/suggest.js";
import { editDistance as distance } from "../../core/text/didYouMean.js";
import { annotation } from "../../cli/output/github.js";
import { xmlEscape, junit } from "../../cli/output/xml.js";
import { excerpt } from "../../cli/output/caret.js";
import { commonDirectory, decodeText, MAX_FILE_BYTES } from "../../cli/files.js";
import { LineIndex } from "../../core/text/positions.js";
import { parseJUnit } from "./xml.js";

describe("did-you-mean", () => {
  it("counts a swap of neighbouring letters as one edit", () => {
    expect(distance("danihs", "danish")).toBe(1);
    expect(distance("kitten", "sitting")).toBe(3);
    // A bound gives the same distance when it is within the bound, and bound + 1 beyond it.
    expect([distance("kitten", "sitting", 3), distance("kitten", "sitting", 2)]).toEqual([3, 3]);
  });
  it("suggests a close name, a name starting like the input, or a name with a close word", () => {
    const names = ["Nordic CTO books a demo", "Danish director reads the pricing page", "Swiss executive at a webinar"];
    expect(closest("Nordc CTO books a demo", names)).toBe("Nordic CTO books a demo");
    expect(closest("swis executive", names)).toBe("Swiss executive at a webinar");
    expect(closest("danihs", names)).toBe("Danish director reads the pricing page");
    expect(closest("zebra", names)).toBeUndefined();
  });
});

describe("GitHub annotations", () => {
  it("escapes %, CR, LF in messages and also : and , in properties", () => {
    const r = new LineIndex("ab\ncd").range(3, 5);
    expect(annotation("error", "50% off\nnow", { file: "a,b:c.crmrules", range: r, title: "CR1: x, y" })).toBe(
      "::error file=a%2Cb%3Ac.crmrules,line=2,endLine=2,col=1,endColumn=2,title=CR1%3A x%2C y::50%25 off%0Anow",
    );
  });
  it("gives only start and end lines for a range over several lines", () => {
    const r = new LineIndex("ab\ncd\nef").range(1, 7);
    expect(annotation("warning", "m", { file: "f", range: r })).toBe("::warning file=f,line=1,endLine=3::m");
  });
});

describe("XML", () => {
  it("escapes markup and shows characters XML forbids (and bidirectional controls) as \\u{XXXX}", () => {
    expect(xmlEscape(`a<b>&"c'\u0001`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;\\u{0001}");
    expect(xmlEscape("x\u202ey\uffff")).toBe("x\\u{202E}y\\u{FFFF}");
  });
  it("writes JUnit that parses back with its counts", async () => {
    const xml = junit("s", [{ name: "f", cases: [{ name: "ok", classname: "c" }, { name: "bad <1>", classname: "c", failure: { message: "m & n", type: "t", body: "x < y" } }] }]);
    const p = await parseJUnit(xml);
    expect(p.attrs).toMatchObject({ tests: "2", failures: "1" });
    expect(p.suites[0]!.cases[1]!.attrs.name).toBe("bad <1>");
    expect(p.suites[0]!.cases[1]!.failure).toEqual({ attrs: { message: "m & n", type: "t" }, text: "x < y" });
  });
});

describe("source excerpts", () => {
  it("puts carets under the range, expanding tabs the same way in the line and the caret line", () => {
    const text = "one\n\tx = fitt + 1\n";
    const idx = new LineIndex(text);
    const start = text.indexOf("fitt");
    expect(excerpt(text, idx.range(start, start + 4), { label: "change to `fit`" })).toEqual(["  |", "2 |   x = fitt + 1", "  |       ^^^^ change to `fit`"]);
  });
  it("shows one caret for an empty range and notes a range that continues", () => {
    const text = "ab\ncd\n";
    const idx = new LineIndex(text);
    expect(excerpt(text, idx.range(2, 2))[2]).toBe("  |   ^");
    expect(excerpt(text, idx.range(1, 4))[2]).toBe("  |  ^ (continues to line 2)");
  });
});

describe("file checks", () => {
  it("refuses binary, non-UTF-8 and oversized content, and strips a BOM", () => {
    expect(decodeText(new Uint8Array([0x61, 0, 0x62]))).toEqual({ ok: false, message: "is not a text file (it contains binary data); skipped" });
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x41]))).toEqual({ ok: false, message: "is not UTF-8 text; skipped" });
    expect(decodeText(new Uint8Array(MAX_FILE_BYTES + 1)).ok).toBe(false);
    expect(decodeText(new TextEncoder().encode("\uFEFFlead {}"))).toEqual({ ok: true, text: "lead {}" });
  });
  it("finds the deepest common folder", () => {
    expect(commonDirectory(["/a/b/c", "/a/b/d/e", "/a/b"])).toBe("/a/b");
    expect(commonDirectory(["/x", "/y"])).toBe("/");
  });
});
