// Every repository path a comment or the README cites must exist: a comment that points at a
// moved or deleted file sends the next reader on a hunt. Placeholders (`lib/<domain>/`, globs,
// `…`) are not paths and are skipped; `{a,b}` lists are expanded.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const SOURCE_DIRS = ["app", "components", "lib", "db", "scripts", "bench", "tests"];
const SKIP_DIRS = new Set(["node_modules", "migrations", ".next", ".data"]);
const CITED =
  /\b(?:app|components|lib|db|scripts|bench|tests)\/[^\s`'",;:]+|\b[\w-]+\.config\.(?:js|mjs|ts)\b/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (SKIP_DIRS.has(name)) return [];
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx|js|mjs)$/.test(name) ? [rel] : [];
  });
}

function comments(source: string): string {
  return (source.match(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g) ?? [])
    .filter((c) => !/^\/\/\s*[\w.-]+\.[a-z]{2,}\//.test(c.slice(2)) && !c.includes("://"))
    .join("\n");
}

function expand(cited: string): string[] {
  const braces = /\{([^{}]*)\}/.exec(cited);
  if (!braces) return [cited];
  return braces[1].split(",").flatMap((part) => expand(cited.replace(braces[0], part.trim())));
}

function trimmed(cited: string): string {
  let clean = cited.replace(/\.+$/, "");
  while (clean.endsWith(")") && clean.split("(").length < clean.split(")").length)
    clean = clean.slice(0, -1).replace(/\.+$/, "");
  return clean.replace(/\/$/, "");
}

function exists(cited: string): boolean {
  const clean = trimmed(cited);
  // `lib/flows/queries.getFlow` names a member of lib/flows/queries.
  const candidates = [clean, clean.replace(/\.[A-Za-z]\w*$/, "")];
  return candidates.some((c) => {
    const base = path.join(ROOT, c);
    return [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].some((p) =>
      existsSync(p),
    );
  });
}

function missingIn(file: string, text: string): string[] {
  const missing: string[] = [];
  for (const match of text.match(CITED) ?? []) {
    if (/[<>*…|]/.test(match)) continue;
    for (const cited of expand(match)) if (!exists(cited)) missing.push(`${file}: ${cited}`);
  }
  return missing;
}

describe("paths cited in comments and the README", () => {
  it("finds a cited path that does not exist", () => {
    const source = [
      "/",
      "/ see lib/nope.ts and lib/errors.ts, app/api/webhooks/[connectionId].",
    ].join("");
    expect(missingIn("x.ts", comments(source))).toEqual(["x.ts: lib/nope.ts"]);
    expect(expand("lib/conversations/{engine,nope}/")).toEqual([
      "lib/conversations/engine/",
      "lib/conversations/nope/",
    ]);
  });

  it("all exist", () => {
    const missing = [
      ...SOURCE_DIRS.flatMap(sourceFiles).flatMap((file) =>
        missingIn(file, comments(readFileSync(path.join(ROOT, file), "utf8"))),
      ),
      ...missingIn("README.md", readFileSync(path.join(ROOT, "README.md"), "utf8")),
    ];
    expect(missing).toEqual([]);
  });

  it("the README's code map names every folder under lib/ and bench/", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const folders = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir)).filter((n) =>
        statSync(path.join(ROOT, dir, n)).isDirectory(),
      );
    const unnamed = ["bench/", ...folders("lib").map((a) => `lib/${a}/`)].filter(
      (f) => !readme.includes(f),
    );
    // A subfolder is named in full or, on its parent's line, as `name/`.
    for (const a of folders("lib"))
      for (const b of folders(`lib/${a}`))
        if (!readme.includes(`lib/${a}/${b}/`) && !new RegExp(`[\\s(]${b}/`).test(readme))
          unnamed.push(`lib/${a}/${b}/`);
    expect(unnamed).toEqual([]);
  });
});
