// Signature help inside action calls (server/src/signatureHelp.ts), in-process on a fixture.
import { describe, expect, it } from "vitest";
import { fixture } from "../support/fixture.js";
import { signatureHelp } from "../support/features.js";
import { IMPORTS_AND_ACTIONS } from "./fixtures/importsAndActions.js";

const SIGNATURE = "send_email(campaign: text, recipient: email, delay: number)";
const expected = (active: number) => ({
  signatures: [
    {
      label: SIGNATURE,
      documentation: { kind: "markdown", value: "Sends one campaign email.\nBlocked without consent.\n\ncontact action, requires consent for `email_marketing`" },
      parameters: [
        { label: [11, 25], documentation: { kind: "markdown", value: "`text`" } },
        { label: [27, 43], documentation: { kind: "markdown", value: "`email` — Who gets it." } },
        { label: [45, 58], documentation: { kind: "markdown", value: "`number`" } },
      ],
      activeParameter: active,
    },
  ],
  activeSignature: 0,
  activeParameter: active,
});

describe("signature help for action calls", () => {
  const f = fixture(IMPORTS_AND_ACTIONS);
  const help = (file: string, snippet: string, labelOffsets = true) => signatureHelp(f.at(file, snippet), labelOffsets);

  it("labels each parameter by its place in the signature", () => {
    const sig = expected(0).signatures[0]!;
    expect(sig.parameters.map((p) => SIGNATURE.slice(p.label[0], p.label[1]))).toEqual(["campaign: text", "recipient: email", "delay: number"]);
  });

  it("in a workflow's do: the active parameter counts the commas before the cursor, not those inside a string", () => {
    const w = "flows/welcome";
    expect(help(w, 'send_email($0"a, b"')).toEqual(expected(0));
    expect(help(w, 'send_email("a,$0 b"')).toEqual(expected(0));
    expect(help(w, 'send_email("a, b",$0 lead.email')).toEqual(expected(1));
    expect(help(w, "lead.email,$0 3)")).toEqual(expected(2));
    expect(help(w, "lead.email, 3$0)")).toEqual(expected(2));
    // Before the parenthesis, after the closing one, and outside any call: nothing.
    expect(help(w, "do send_$0email(")).toBeNull();
    expect(help(w, 'do send_email$0("a, b"')).toBeNull();
    expect(help(w, "lead.email, 3)$0")).toBeNull();
    expect(help(w, "workflow w$0elcome")).toBeNull();
  });

  it("in expectations of a journey (sent, not sent)", () => {
    expect(help("journeys", 'send_email("$0w"')).toEqual(expected(0));
    expect(help("journeys", '"w", "$0x@y.example", 0)')).toEqual(expected(1));
    expect(help("journeys", '"x@y.example", 0$0)')).toEqual(expected(2));
  });

  it("works on half-typed input: no closing parenthesis, a string not closed, an action without parameters", () => {
    const before = f.text("journeys");
    f.edit("journeys", before.replace("  expect not sent ping\n", '  expect blocked send_email("x, y", [1, 2], (3\n  expect not sent ping(\n'));
    try {
      // `  expect blocked send_email("x, y", [1, 2], (3`: commas in the string and the brackets do not count.
      expect(help("journeys", 'blocked send_email($0"x, y"')).toEqual(expected(0));
      expect(help("journeys", 'blocked send_email("x, $0y"')).toEqual(expected(0));
      expect(help("journeys", "[1, $02], (3")).toEqual(expected(1));
      expect(help("journeys", "[1, 2], (3$0\n")).toEqual(expected(2));
      // `  expect not sent ping(`: an internal action without parameters.
      expect(help("journeys", "sent ping($0")).toEqual({
        signatures: [{ label: "ping()", documentation: { kind: "markdown", value: "internal action" }, parameters: [], activeParameter: 0 }],
        activeSignature: 0,
        activeParameter: 0,
      });
      // A step that starts on the next line ends the unfinished call (`}` closes the journey).
      expect(help("journeys", "sent ping(\n}$0")).toBeNull();
    } finally {
      f.edit("journeys", before);
    }
    // `  do log_it(` in the workflow, the call left open before `}`.
    const h = help("flows/welcome", "do log_it($0");
    expect(h?.signatures.map((s) => [s.label, s.parameters?.map((p) => p.label)])).toEqual([["log_it(message: text)", [[7, 20]]]]);
  });

  it("offers nothing for an action the file does not see (the checker reports it)", () => {
    expect(f.probe("suite", 'import "./schema.crmrules"\nworkflow w on stage s {\n  do send_email($0\n}\n', (at) => signatureHelp(at))).toBeNull();
  });

  it("gives parameter labels as text when the client takes no label offsets", () => {
    const h = help("flows/welcome", 'send_email("a, b", $0lead.email', false);
    expect(h?.signatures[0]!.parameters!.map((p) => p.label)).toEqual(["campaign: text", "recipient: email", "delay: number"]);
    expect(h?.activeParameter).toBe(1);
  });
});
