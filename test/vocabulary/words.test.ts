/** core/text/words.ts: the one place messages count and name things. */
import { describe, expect, it } from "vitest";
import { article, inflect, plural } from "../../core/text/words.js";

describe("words", () => {
  it("counts with the regular plural or a given one", () => {
    expect([plural(0, "journey"), plural(1, "journey"), plural(2, "journey")]).toEqual(["0 journeys", "1 journey", "2 journeys"]);
    expect([inflect(1, "is", "are"), inflect(3, "is", "are"), inflect(undefined, "time")]).toEqual(["is", "are", "times"]);
  });
  it("puts `an` before a vowel and `a` before anything else", () => {
    expect([article("event"), article("score"), article("owner"), article("journey")]).toEqual(["an event", "a score", "an owner", "a journey"]);
  });
});
