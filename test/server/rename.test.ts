// Rename and prepareRename (server/src/rename.ts), in-process on fixtures.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { fixtureFromFolders } from "../support/fixture.js";
import { prepareRename, rename } from "../support/features.js";
import { FIXTURES } from "./helpers.js";

const f = fixtureFromFolders({ "/basic": join(FIXTURES, "basic"), "/second": join(FIXTURES, "second") });

describe("rename", () => {
  it("prepares and renames an owner across files", () => {
    const at = f.at("routing", "routed to owner k$0ari");
    expect(prepareRename(at)).toEqual(f.range("routing", "routed to owner $0kari$0"));
    expect(rename(at, "kari_n").changes?.[f.uri("routing")]?.map((e) => [e.range.start.line, e.range.start.character, e.newText])).toEqual([
      [5, 6, "kari_n"],
      [10, 9, "kari_n"],
      [14, 95, "kari_n"],
      [26, 25, "kari_n"],
    ]);
  });

  it("renames to a name with letters outside ASCII", () => {
    expect(rename(f.at("routing", "routed to owner k$0ari"), "søren").changes?.[f.uri("routing")]?.map((e) => e.newText)).toEqual(["søren", "søren", "søren", "søren"]);
  });

  it("renames an event in every file that uses it", () => {
    const edit = rename(f.at("schema", "event pa$0ge_view"), "visit");
    expect(Object.keys(edit.changes!).sort()).toEqual([f.uri("routing"), f.uri("schema"), f.uri("scoring")].sort());
    expect(edit.changes![f.uri("scoring")]!.map((e) => e.range)).toEqual([f.range("scoring", "+10 on $0page_view$0")]);
  });

  it("rejects a keyword, an invalid name, a clash and a non-name", () => {
    const at = f.at("routing", 'owner k$0ari "');
    expect(() => rename(at, "route")).toThrow("`route` is a keyword of the language");
    expect(() => rename(at, "2x")).toThrow("`2x` is not a valid name");
    expect(() => rename(at, "a€")).toThrow("`a€` is not a valid name");
    expect(() => rename(at, "anna")).toThrow("`anna` is already declared (line 7 of routing.crmrules)");
    expect(() => prepareRename(f.at("routing", "ro$0ute inbound"))).toThrow("not a name you can rename");
  });
});
