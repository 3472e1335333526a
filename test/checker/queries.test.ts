// core/checker/queries.ts (rename conflicts of enum values) and core/text/positions.ts (LSP positions past the end of a line).
import { describe, expect, it } from "vitest";
import { checkSources } from "./helpers.js";
import { renameConflict, symbolAt } from "../../core/checker/queries.js";
import { LineIndex } from "../../core/text/positions.js";

describe("rename conflicts of enum values", () => {
  const files = {
    "schema.crmrules": `lead {
  channel: enum(web, phone)
}
event call_logged { channel: enum(web, fax) }
`,
  };
  const check = checkSources(files);
  const u = "/ws/schema.crmrules";
  const text = files["schema.crmrules"];
  const at = (needle: string, nth = 0) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
    return symbolAt(check, u, i)!;
  };

  it("sanity: the two `web` values are different symbols", () => {
    expect(at("web", 0).id).not.toBe(at("web", 1).id);
  });

  // A member's siblings are found through its container's id (`containerId`), not the container's
  // name, which the lead field `channel` and the payload field `channel` share.
  it("renaming the event field's `web` to `fax` clashes with its sibling `fax`", () => {
    const web = at("web", 1);
    expect(renameConflict(check, web.id, "fax")?.name).toBe("fax");
  });

  it("renaming the event field's `web` to `phone` clashes with nothing (`phone` belongs to the lead field)", () => {
    const web = at("web", 1);
    expect(renameConflict(check, web.id, "phone")).toBeUndefined();
  });
});

describe("LSP positions past the end of a line", () => {
  // A position past the end of a line (allowed by the LSP: "defaults back to the line length") is the
  // end of that line, before its line break, also on CRLF lines.
  it("a character beyond the line's length means the end of that line (LSP), not the next line", () => {
    const li = new LineIndex("ab\ncd\n");
    expect(li.offsetAt(0, 99)).toBe(2);
    const crlf = new LineIndex("ab\r\ncd\r\n");
    expect(crlf.offsetAt(0, 99)).toBe(2);
    expect(crlf.offsetAt(0, 3)).toBe(2);
  });
});
