// With NODE_ENV=production the lexer and parser skip Chevrotain's grammar
// validations (faster start-up); parsing must give the same result.
import { afterEach, describe, expect, it, vi } from "vitest";
import { SAMPLE } from "./sample.js";

const saved = process.env.NODE_ENV;
afterEach(() => {
  process.env.NODE_ENV = saved;
  vi.resetModules();
});

async function parseWith(env: string | undefined, text: string): Promise<string> {
  if (env === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = env;
  vi.resetModules();
  const { parse } = await import("../../core/syntax/parse.js");
  const r = parse(text, "p.crmrules");
  return JSON.stringify({ file: r.file, diagnostics: r.diagnostics, tokens: r.tokens.map((t) => t.image) });
}

describe("production mode", () => {
  it("parses the sample and a broken file exactly as in development", async () => {
    const broken = "score s {\n  rule a: +1 when\n}\nstage x when (a";
    for (const text of [SAMPLE, broken]) {
      const dev = await parseWith("development", text);
      const prod = await parseWith("production", text);
      expect(prod).toBe(dev);
    }
  });
});
