// The journey view's note on a score firing (issue 12.7): `applied` is the stored part's change, so a
// value that the cap or floor held is said in words.
import { describe, expect, it } from "vitest";
import { firingNote } from "../../server/src/journeys.js";

describe("journey view: a firing's note", () => {
  it("says when the cap or floor held the value although the stored part changed", () => {
    expect(firingNote({ points: -8, applied: -8, before: 20, after: 20 })).toEqual({ note: "value held within cap and floor" });
    expect(firingNote({ points: 28, applied: 28, before: null, after: 20 })).toEqual({ note: "value held within cap and floor" });
  });
  it("says when points did not all apply, and nothing when all is plain", () => {
    expect(firingNote({ points: 40, applied: 10, before: 40, after: 50 })).toEqual({ note: "40 points, 10 applied" });
    expect(firingNote({ points: 5, applied: 5, before: 10, after: 15 })).toEqual({});
  });
});
