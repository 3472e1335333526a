// The bundled example workspace must check without errors.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFolder, formatDiagnostic } from "./helpers.js";

const dir = resolve(__dirname, "..", "..", "examples", "acme");

describe.runIf(existsSync(dir))("examples/acme", () => {
  it("checks with zero errors", () => {
    const check = checkFolder(dir);
    expect(check.files.size).toBeGreaterThan(3);
    const errors = check.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.uri.slice(dir.length + 1)}:${formatDiagnostic(d)}`);
    expect(errors).toEqual([]);
  });
});
