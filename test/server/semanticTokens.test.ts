// Semantic tokens, full and delta (server/src/semanticTokens.ts), in-process on fixtures.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import type * as L from "vscode-languageserver";
import { fixtureFromFolders } from "../support/fixture.js";
import { decodeTokens, semanticTokens, semanticTokensDelta } from "../support/features.js";
import { FIXTURES } from "./helpers.js";

describe("semantic tokens", () => {
  it("classifies declarations and uses, and answers deltas after an edit", () => {
    const f = fixtureFromFolders({ "/basic": join(FIXTURES, "basic") });
    const full = semanticTokens(f, "schema");
    const decoded = decodeTokens(full.data);
    const line = f.at("schema", "$0event page_view { url: text }").position.line;
    expect(decoded.filter((t) => t.line === line)).toEqual([
      { line: 9, char: 0, len: 5, type: "keyword", mods: [] },
      { line: 9, char: 6, len: 9, type: "event", mods: ["declaration"] },
      { line: 9, char: 18, len: 3, type: "property", mods: ["declaration"] },
      { line: 9, char: 23, len: 4, type: "type", mods: ["defaultLibrary"] },
    ]);
    expect(decoded[0]).toEqual({ line: 0, char: 0, len: 30, type: "comment", mods: ["documentation"] });
    // A new line 11: `event trial_started {}`.
    f.edit("schema", f.text("schema").replace("event demo_requested {}", "event trial_started {}\nevent demo_requested {}"));
    const delta = semanticTokensDelta(f, "schema", full.resultId!) as L.SemanticTokensDelta;
    expect(delta.edits.length).toBeGreaterThan(0);
    const again = semanticTokens(f, "schema");
    expect(decodeTokens(again.data).filter((t) => t.line === 11)).toEqual([
      { line: 11, char: 0, len: 5, type: "keyword", mods: [] },
      { line: 11, char: 6, len: 13, type: "event", mods: ["declaration"] },
    ]);
    // Applying the delta to the first result gives the new full result.
    const applied = [...full.data];
    for (const e of [...delta.edits].sort((a, b) => b.start - a.start)) applied.splice(e.start, e.deleteCount, ...(e.data ?? []));
    expect(applied).toEqual(again.data);
  });
});
