// The README example compiles (devnet.test.ts runs it against a devnet).
import assert from "node:assert/strict";
import { test } from "node:test";

import { compileReadmeExample, readmeExample } from "./readme";

test("the READMEs print the same TypeScript example, and it compiles against the package (strict, ES module)", () => {
  const example = readmeExample();
  // What the example promises to do.
  for (const s of ["const mnemonic", "assertIsDeliverTxSuccess(reported)", "assertIsDeliverTxSuccess(claimed)"]) {
    assert.ok(example.includes(s), `the example has ${s}`);
  }
  const { cleanup } = compileReadmeExample();
  cleanup();
});
