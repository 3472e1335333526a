/**
 * Code blocks of the project's Markdown docs, for the tests that run them.
 * A fence's info string is a language and optional attributes:
 *   ```crmrules                 a complete workspace file: checks with no error and is formatted
 *   ```crmrules fragment        a part of a file (names declared elsewhere): parses and is formatted
 *   ```crmrules-invalid         deliberately broken: has a syntax error
 *   ```crmrules file=PATH       (docs/tutorial.md) a file the reader writes at PATH
 *   ```sh                       commands: every `crmrules` / `npx crmrules` line runs in the tests
 *   ```sh cwd=DIR               the same, run in DIR of the docs test's sandbox (rules/: a rules repository)
 *   ```sh tested-by=FILE        commands another test runs (installing the package, for example)
 *   ```sh not-run               the project's own scripts (npm ci, npm test…): not run by the docs test
 * In docs/diagnostics.md a block under `## CRxxxx` is that code's example (it must produce it).
 */
export interface Block {
  /** Language: the info string's first word. */
  lang: string;
  /** `key=value` and bare-word attributes after the language. */
  attrs: Record<string, string | true>;
  info: string;
  /** 1-based line of the opening fence. */
  line: number;
  text: string;
  /** The nearest `## ` heading above the block. */
  section: string;
}

export function codeBlocks(markdown: string, name = "markdown"): Block[] {
  const lines = markdown.split(/\r?\n/);
  const out: Block[] = [];
  let section = "";
  let open: { info: string; line: number; indent: string; fence: string; body: string[]; section: string } | undefined;
  lines.forEach((l, i) => {
    if (!open) {
      const h = /^## (.*)$/.exec(l);
      if (h) section = h[1]!.trim();
      const fence = /^(\s*)(```+)(.*)$/.exec(l);
      if (fence) open = { indent: fence[1]!, fence: fence[2]!, info: fence[3]!.trim(), line: i + 1, body: [], section };
      return;
    }
    if (new RegExp(`^\\s*${open.fence}\\s*$`).test(l)) {
      const [lang = "", ...rest] = open.info.split(/\s+/).filter(Boolean);
      const attrs: Record<string, string | true> = {};
      for (const r of rest) {
        const eq = r.indexOf("=");
        if (eq > 0) attrs[r.slice(0, eq)] = r.slice(eq + 1);
        else attrs[r] = true;
      }
      const text = open.body.map((b) => (b.startsWith(open!.indent) ? b.slice(open!.indent.length) : b.trimStart())).join("\n") + "\n";
      out.push({ lang, attrs, info: open.info, line: open.line, text, section: open.section });
      open = undefined;
    } else open.body.push(l);
  });
  if (open) throw new Error(`unclosed code fence at ${name}:${open.line}`);
  return out;
}

/** The shell commands of a block: continuation lines joined, comments and blank lines dropped. */
export function shellCommands(text: string): string[] {
  const joined = text.replace(/\\\n\s*/g, " ");
  return joined
    .split("\n")
    .map((l) => stripComment(l).trim())
    .filter(Boolean);
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}
