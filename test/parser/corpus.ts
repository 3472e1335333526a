// Sample texts for property tests: every `.crmrules` file under examples/ and
// test/ that exists when the tests run, plus the built-in realistic sample.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { SAMPLE } from "./sample.js";

const root = join(__dirname, "..", "..");

function crmrulesFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) out.push(...crmrulesFiles(p));
    else if (name.endsWith(".crmrules")) out.push(p);
  }
  return out;
}

export interface CorpusFile {
  name: string;
  text: string;
}

export function corpus(): CorpusFile[] {
  const files = [...crmrulesFiles(join(root, "examples")), ...crmrulesFiles(join(root, "test"))].sort();
  const out: CorpusFile[] = [{ name: "built-in sample", text: SAMPLE }];
  for (const f of files) {
    try {
      out.push({ name: relative(root, f), text: readFileSync(f, "utf8") });
    } catch {
      // a file removed while the tests run
    }
  }
  return out;
}
