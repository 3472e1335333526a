/**
 * The Chevrotain parser. It builds the AST directly (embedded actions, no CST)
 * and never fails: on an error it recovers (single-token insertion/deletion,
 * re-sync to the next token that can follow) and the node that was being
 * built is kept with whatever it had parsed so far. The grammar is split into
 * layers (parser/base.ts explains how); this file holds the top of it: the
 * file, its imports and the choice of declaration.
 */
import type * as A from "./ast.js";
import * as T from "./tokens.js";
import { Kw } from "./tokens.js";
import { JourneyParser } from "./parser/journeys.js";

export { MAX_NESTING, unquote } from "./parser/base.js";

const DECL_KINDS = new Set<string>([
  "Lead", "Event", "Set", "Score", "Grade", "Stage", "Reenter", "Owner", "Queue", "Team", "Route", "Consent", "Action", "Workflow", "Journey",
]);

export class CrmParser extends JourneyParser {
  constructor() {
    super();
    // Every layer's rules are defined (class fields run before this body): analyse the whole grammar once.
    this.performSelfAnalysis();
  }

  private readonly fileItemAlts = [
    {
      ALT: () => {
        const file = this.building<A.CrmFile>();
        const i = this.SUBRULE(this.importDecl);
        if (i && !this.recording()) file.imports.push(i);
      },
    },
    {
      ALT: () => {
        const file = this.building<A.CrmFile>();
        const d = this.SUBRULE(this.declaration);
        if (d && !this.recording()) file.decls.push(d);
      },
    },
  ];
  private readonly fileItem = () => this.OR(this.fileItemAlts);

  public file = this.RULE("file", () => {
    const file = this.begin<A.CrmFile>({ kind: "File", uri: "", imports: [], decls: [], range: this.tokRange(this.LA(1)) });
    this.MANY(this.fileItem);
    return file;
  }, {
    // The top rule always recovers (at the end of the file). Keep the
    // declaration that was being read when it gave up: its partial node is
    // still on the partials stack.
    recoveryValueFunc: (): any => {
      const file = this.partials[0] as A.CrmFile | undefined;
      if (!file) return undefined;
      for (const p of this.partials.slice(1, 3) as (A.Node | undefined)[]) {
        if (!p || file.decls.includes(p as A.Decl) || file.imports.includes(p as A.ImportDecl)) continue;
        if (p.kind === "Import") file.imports.push(this.finish(p as A.ImportDecl));
        else if (DECL_KINDS.has(p.kind)) file.decls.push(this.finish(p as A.Decl));
      }
      return file;
    },
  });

  private importDecl = this.RULE(
    "importDecl",
    () => {
      const kw = this.CONSUME(Kw.import);
      const node = this.begin<A.ImportDecl>({ kind: "Import", range: this.tokRange(kw) });
      const s = this.CONSUME(T.StringLiteral);
      node.path = this.str(s);
      return this.finish(node);
    },
    this.recover,
  );

  // Alternatives that capture nothing but the parser are built once, not on
  // every call: an OR over a fresh array of fresh closures is the parser's
  // main allocation cost on large files.
  private readonly declarationAlts = [
      { ALT: () => this.SUBRULE(this.leadDecl) },
      { ALT: () => this.SUBRULE(this.eventDecl) },
      { ALT: () => this.SUBRULE(this.setDecl) },
      { ALT: () => this.SUBRULE(this.scoreDecl) },
      { ALT: () => this.SUBRULE(this.gradeDecl) },
      { ALT: () => this.SUBRULE(this.stageDecl) },
      { ALT: () => this.SUBRULE(this.reenterDecl) },
      { ALT: () => this.SUBRULE(this.ownerDecl) },
      { ALT: () => this.SUBRULE(this.queueDecl) },
      { ALT: () => this.SUBRULE(this.teamDecl) },
      { ALT: () => this.SUBRULE(this.routeDecl) },
      { ALT: () => this.SUBRULE(this.consentDecl) },
      { ALT: () => this.SUBRULE(this.actionDecl) },
      { ALT: () => this.SUBRULE(this.workflowDecl) },
      { ALT: () => this.SUBRULE(this.journeyDecl) },
  ];

  private declaration = this.RULE("declaration", (): A.Decl => {
    return this.OR(this.declarationAlts) as A.Decl;
  }, {
    // A declaration whose last part is broken recovers here (what follows a
    // declaration is the next one); keep the partial node its rule built.
    recoveryValueFunc: (): any => {
      const child = this.partials[this.ruleStackIdx() + 1] as A.Node | undefined;
      return child && DECL_KINDS.has(child.kind) ? this.finish(child) : undefined;
    },
  });
}
