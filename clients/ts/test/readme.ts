// The TypeScript example of the READMEs (clients/ts/README.md and the root README.md), taken
// from the README itself so that it cannot drift: readme.test.ts type-checks it, and
// devnet.test.ts runs it - exactly as printed - against its devnet. The only things set from
// outside are the two environment variables the example reads: MNEMONIC (node1's) and
// AEGIS_RPC (the devnet's CometBFT RPC, on its test port).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import ts from "typescript";

/** clients/ts (this file runs from clients/ts/dist/test). */
export const PKG = path.resolve(__dirname, "../..");
/** The repository root. */
export const ROOT = path.resolve(PKG, "../..");

/** What marks the example in a README: the line right before its ```ts fence. */
export const EXAMPLE_MARK = "<!-- make test-ts runs this example exactly as printed (clients/ts/test/readme.ts) -->";

/** The ```ts block right after the README's one EXAMPLE_MARK line. */
export function tsBlock(file: string): string {
  const md = fs.readFileSync(file, "utf8");
  const blocks = [...md.matchAll(/^(.*)\n```ts\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === EXAMPLE_MARK).map((m) => m[2]);
  assert.equal(blocks.length, 1, `${file}: want exactly one \`\`\`ts block right after the line ${EXAMPLE_MARK}, found ${blocks.length}`);
  return blocks[0];
}

/** The README example; the root README must print the same one as clients/ts/README.md. */
export function readmeExample(): string {
  const example = tsBlock(path.join(PKG, "README.md"));
  assert.equal(tsBlock(path.join(ROOT, "README.md")), example, "README.md's TypeScript example must be clients/ts/README.md's, verbatim");
  return example;
}

export interface CompiledExample {
  /** The example compiled to an ES module, importing @aegis-chain/client like an app does. */
  readonly file: string;
  readonly cleanup: () => void;
}

/**
 * Compiles the README example as an app would (an ES module, .mts, strict, against the
 * built package installed as @aegis-chain/client, here a symlink to clients/ts): fails on any
 * type error. Needs `npm run build` first.
 */
export function compileReadmeExample(): CompiledExample {
  const dir = fs.mkdtempSync(path.join(PKG, "dist", "readme-example-"));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.mkdirSync(path.join(dir, "node_modules", "@aegis-chain"), { recursive: true });
    fs.symlinkSync(PKG, path.join(dir, "node_modules", "@aegis-chain", "client"), "dir");
    const src = path.join(dir, "example.mts");
    fs.writeFileSync(src, readmeExample());
    const program = ts.createProgram([src], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [path.join(PKG, "node_modules", "@types")],
      outDir: dir,
      noEmitOnError: true,
    });
    const emitted = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
    if (diagnostics.length > 0) {
      const host: ts.FormatDiagnosticsHost = {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => dir,
        getNewLine: () => "\n",
      };
      throw new Error(`the README's TypeScript example does not compile:\n${ts.formatDiagnostics(diagnostics, host)}`);
    }
    const file = path.join(dir, "example.mjs");
    assert.ok(fs.existsSync(file), "tsc wrote no example.mjs");
    return { file, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** Runs the compiled example with node; resolves with its output, rejects on a non-zero exit. */
export function runExample(file: string, env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: path.dirname(file), env: { ...process.env, ...env }, timeout: timeoutMs });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      code === 0 ? resolve(out) : reject(new Error(`the README example exited with ${code ?? signal}:\n${out}${err}`)),
    );
  });
}
