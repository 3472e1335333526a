import { describe, expect, it } from "vitest";
import { intern } from "../../core/engine/intern.js";

describe("intern (compiled names and literals)", () => {
  it("gives back the same text for every kind of string", () => {
    const source = "rule pricing: +10 on page_view where url starts_with \"/pricing\" 12 0 -1 __proto__ constructor  é🙂";
    for (const piece of source.split(" ").concat(["", "4294967295", "4294967294", "01", source.slice(5, 40)])) {
      const s = intern(piece);
      expect(s).toBe(piece);
      expect(typeof s).toBe("string");
      expect(s.length).toBe(piece.length);
    }
  });
});
