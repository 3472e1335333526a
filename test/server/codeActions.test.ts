// Code actions (server/src/codeActions.ts): organize imports and the checker's fixes, in-process on fixtures.
import { describe, expect, it } from "vitest";
import * as L from "vscode-languageserver";
import { fixture } from "../support/fixture.js";
import { codeActions } from "../support/features.js";
import { organizeImports } from "../../server/src/codeActions.js";
import { parse } from "../../core/syntax/parse.js";

describe("organize imports", () => {
  it("sorts the import block", () => {
    const f = fixture(`
      //- /a.crmrules
      queue overflow "Overflow"
      //- /b.crmrules
      queue backlog "Backlog"
      //- /imports.crmrules
      $0import "./b.crmrules"
      import "./a.crmrules"

      owner zoe "zoe@acme.example"
    `);
    expect(codeActions(f.cursor(), { diagnostics: [], only: [L.CodeActionKind.SourceOrganizeImports] })).toEqual([
      {
        title: "Organize imports",
        kind: "source.organizeImports",
        edit: { changes: { [f.uri("imports")]: [{ range: f.range("imports", 'import "./b.crmrules"\nimport "./a.crmrules"'), newText: 'import "./a.crmrules"\nimport "./b.crmrules"' }] } },
      },
    ]);
  });

  it("sorts a CRLF import block with CRLF, and leaves a sorted CRLF block alone", () => {
    const edit = organizeImports(parse('import "./b.crmrules"\r\nimport "./a.crmrules"\r\n\r\nqueue q "Q"\r\n', "/ws/x.crmrules"));
    expect(edit?.newText).toBe('import "./a.crmrules"\r\nimport "./b.crmrules"');
    expect(organizeImports(parse('import "./a.crmrules"\r\nimport "./b.crmrules"\r\n', "/ws/x.crmrules"))).toBeUndefined();
  });
});

describe("quick fixes", () => {
  const f = fixture(`
    //- /rules.crmrules
    import "./schema.crmrules"

    score fit "Fit" {
      rule exec: +20 when lead.rol == executive
    }
    stage mql when fit >= 10
    stage mql when fit >= 20
    //- /schema.crmrules
    lead {
      role: enum(executive, student)
      country: country
    }
    event demo_requested {}
  `);

  it("offers a checker's fix for the diagnostic under the cursor, preferred when the checker says so", () => {
    expect(codeActions(f.at("rules", "lead.r$0ol")).map((a) => [a.title, a.kind, a.isPreferred, a.edit])).toEqual([
      ["change to `role`", "quickfix", true, { changes: { [f.uri("rules")]: [{ range: f.range("rules", "lead.$0rol$0"), newText: "role" }] } }],
    ]);
  });

  it("removes an unused declaration with its line", () => {
    expect(codeActions(f.at("schema", "event de$0mo_requested")).map((a) => [a.title, a.edit])).toEqual([
      ["remove the unused event `demo_requested`", { changes: { [f.uri("schema")]: [{ range: f.range("schema", "$0event demo_requested {}\n$0"), newText: "" }] } }],
    ]);
  });

  it("offers nothing where no diagnostic has a fix", () => {
    expect(codeActions(f.at("rules", "score f$0it"))).toEqual([]);
  });
});
