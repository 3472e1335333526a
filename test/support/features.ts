/**
 * The language server's features, called in-process on a fixture
 * (test/support/fixture.ts) through the functions the server wires
 * (server/src/server.ts): each adapter takes the place a fixture marks and
 * gives the feature's answer as the protocol would carry it, or a plainer
 * view of it where a test reads only that (`hover` → the markdown text,
 * `labels` → the completion labels).
 */
import type * as L from "vscode-languageserver";
import { complete } from "../../server/src/completion/index.js";
import { hover as hoverOf } from "../../server/src/hover.js";
import { definition as definitionOf, highlights as highlightsOf, references as referencesOf } from "../../server/src/navigation.js";
import { prepareRename as prepareRenameOf, rename as renameOf } from "../../server/src/rename.js";
import { foldingRanges, selectionRanges } from "../../server/src/folding.js";
import { codeActions as codeActionsOf } from "../../server/src/codeActions.js";
import { LEGEND, SemanticTokensProvider } from "../../server/src/semanticTokens.js";
import { JourneyRunner } from "../../server/src/journeys.js";
import { codeLenses as codeLensesOf, inlayHints as inlayHintsOf } from "../../server/src/codeLens.js";
import { documentSymbols as documentSymbolsOf, workspaceSymbols as workspaceSymbolsOf } from "../../server/src/symbols.js";
import { documentLinks as documentLinksOf, importDefinition } from "../../server/src/links.js";
import { signatureHelp as signatureHelpOf } from "../../server/src/signatureHelp.js";
import { willRenameFiles as willRenameFilesOf } from "../../server/src/fileRename.js";
import type { At, Fixture } from "./fixture.js";

// ------------------------------------------------------------ at a place

/** The hover's markdown, or undefined where there is nothing to say. */
export const hover = (a: At): string | undefined => {
  const h = hoverOf(a.snap, a.path, a.offset);
  return h ? (h.contents as L.MarkupContent).value : undefined;
};

/** The whole hover answer (contents and range). */
export const hoverResult = (a: At): L.Hover | null => hoverOf(a.snap, a.path, a.offset);

export const completion = (a: At): L.CompletionList => complete(a.snap, a.text, a.offset, a.path);

/** The labels of the completion items, in order. */
export const labels = (a: At): string[] => completion(a).items.map((i) => i.label);

/** Go to definition as the server answers it: an import path first, then a name (LocationLinks). */
export const definition = (a: At): L.LocationLink[] => importDefinition(a.snap, a.path, a.offset) ?? definitionOf(a.snap, a.path, a.offset);

export const references = (a: At, includeDeclaration = true): L.Location[] => referencesOf(a.snap, a.path, a.offset, includeDeclaration);

export const highlights = (a: At): L.DocumentHighlight[] => highlightsOf(a.snap, a.path, a.offset);

export const prepareRename = (a: At): L.Range | null => prepareRenameOf(a.snap, a.path, a.offset);

export const rename = (a: At, newName: string): L.WorkspaceEdit => renameOf(a.snap, a.path, a.offset, newName);

/** Signature help (parameter labels as offsets into the signature unless `labelOffsets` is false). */
export const signatureHelp = (a: At, labelOffsets = true): L.SignatureHelp | null => signatureHelpOf(a.snap, a.path, a.text, a.offset, labelOffsets);

/** The selection ranges from the cursor outwards, innermost first. */
export const selection = (a: At): L.Range[] => {
  const out: L.Range[] = [];
  for (let x: L.SelectionRange | undefined = selectionRanges(a.pr, [a.offset])[0]; x; x = x.parent) out.push(x.range);
  return out;
};

/** The code actions for the marked range (or the cursor), given the diagnostics of the request's context. */
export const codeActions = (a: At, context: L.CodeActionContext = { diagnostics: [] }): L.CodeAction[] => {
  const range = a.range?.lsp ?? { start: a.position, end: a.position };
  return codeActionsOf(a.pr, a.snap.diagnosticsOf(a.path), { textDocument: { uri: a.uri }, range, context });
};

// ------------------------------------------------------------ of a file or the workspace

export const documentSymbols = (f: Fixture, name: string): L.DocumentSymbol[] => documentSymbolsOf(f.parse(name));

export const workspaceSymbols = (f: Fixture, query: string): L.WorkspaceSymbol[] => workspaceSymbolsOf(f.snap, query);

export const folding = (f: Fixture, name: string): L.FoldingRange[] => foldingRanges(f.parse(name));

export const documentLinks = (f: Fixture, name: string): L.DocumentLink[] => documentLinksOf(f.snap, f.path(name));

export const willRenameFiles = (f: Fixture, renames: { oldUri: string; newUri: string }[]): L.WorkspaceEdit | null => willRenameFilesOf(f.snap, renames);

const runners = new WeakMap<Fixture, JourneyRunner>();
const runnerOf = (f: Fixture) => runners.get(f) ?? (runners.set(f, new JourneyRunner(() => {})), runners.get(f)!);

/** A file's code lenses, with the server's commands (or, `clientCommands`, those of a client that has its own, as the VS Code extension). */
export const codeLenses = (f: Fixture, name: string, clientCommands = false): L.CodeLens[] => codeLensesOf(f.snap, runnerOf(f), f.path(name), clientCommands);

export const inlayHints = (f: Fixture, name: string, within: L.Range = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } }): L.InlayHint[] =>
  inlayHintsOf(f.snap, runnerOf(f), f.path(name), within);

// ------------------------------------------------------------ semantic tokens

export interface Token {
  line: number;
  char: number;
  len: number;
  type: string;
  mods: string[];
}

/** Decodes the protocol's relative encoding of semantic tokens with the server's legend. */
export function decodeTokens(data: readonly number[], legend: L.SemanticTokensLegend = LEGEND): Token[] {
  const out: Token[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
    const m = data[i + 4]!;
    out.push({ line, char, len: data[i + 2]!, type: legend.tokenTypes[data[i + 3]!]!, mods: legend.tokenModifiers.filter((_, j) => m & (1 << j)) });
  }
  return out;
}

const providers = new WeakMap<Fixture, SemanticTokensProvider>();
/** The fixture's semantic tokens provider (one per fixture, as the server keeps one: deltas are against its last answer). */
export const tokensProvider = (f: Fixture): SemanticTokensProvider => providers.get(f) ?? (providers.set(f, new SemanticTokensProvider()), providers.get(f)!);

/** A file's full semantic tokens (encoded, with their result id). */
export const semanticTokens = (f: Fixture, name: string): L.SemanticTokens => {
  const p = f.path(name);
  return tokensProvider(f).full(f.uri(name), f.parse(name), f.snap.checkOf(p), p);
};

/** The delta of a file's semantic tokens since the answer `previousResultId`. */
export const semanticTokensDelta = (f: Fixture, name: string, previousResultId: string): L.SemanticTokens | L.SemanticTokensDelta => {
  const p = f.path(name);
  return tokensProvider(f).delta(f.uri(name), previousResultId, f.parse(name), f.snap.checkOf(p), p);
};

/** A file's semantic tokens, decoded. */
export const tokens = (f: Fixture, name: string): Token[] => decodeTokens(semanticTokens(f, name).data);
