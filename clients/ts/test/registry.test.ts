import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { aegisRegistry, aegisTypes, license, por } from "../src";

// dist/test -> the repository root
const ROOT = path.resolve(__dirname, "../../../..");

/** "/aegis.<pkg>.<Msg>" of every rpc of every proto/aegis/<mod>/v1/tx.proto Msg service. */
function protoMsgTypeUrls(): string[] {
  const urls: string[] = [];
  for (const mod of fs.readdirSync(path.join(ROOT, "proto/aegis"))) {
    const file = path.join(ROOT, "proto/aegis", mod, "v1/tx.proto");
    if (!fs.existsSync(file)) continue;
    const src = fs.readFileSync(file, "utf8");
    const pkg = /^package ([\w.]+);/m.exec(src)?.[1];
    assert.ok(pkg, `no package in ${file}`);
    for (const m of src.matchAll(/^\s*rpc \w+\((\w+)\)/gm)) urls.push(`/${pkg}.${m[1]}`);
  }
  return urls.sort();
}

test("the registry has exactly the Msgs of the protos' Msg services, and the default Stargate types", () => {
  const registry = aegisRegistry();
  const ours = aegisTypes.map(([url]) => url).sort();
  assert.deepEqual(ours, protoMsgTypeUrls());
  assert.ok(ours.includes("/aegis.por.v1.MsgSlashNode") && ours.includes("/aegis.license.v1.MsgUpdateParams"));
  for (const [url, type] of aegisTypes) assert.equal(registry.lookupType(url), type, url);
  assert.ok(registry.lookupType("/cosmos.bank.v1beta1.MsgSend"));
  assert.ok(registry.lookupType("/cosmos.gov.v1.MsgSubmitProposal"));
});

test("registry encode/decode round-trips Aegis Msgs (uint64 as bigint)", () => {
  const registry = aegisRegistry();
  const report = por.MsgSubmitReport.fromPartial({
    operator: "aegis1operator",
    totals: { compute: 600n, storage: 500n, bandwidth: 500n },
    parts: [{ role: por.NodeRole.NODE_ROLE_WORKER, resources: { compute: 150n, storage: 100n, bandwidth: 80n } }],
  });
  const any = registry.encodeAsAny({ typeUrl: "/aegis.por.v1.MsgSubmitReport", value: report });
  assert.equal(any.typeUrl, "/aegis.por.v1.MsgSubmitReport");
  assert.deepEqual(registry.decode(any), report);

  // fromPartial also takes strings and numbers for 64-bit fields
  const mint = license.MsgMintLicenses.fromPartial({ authority: "aegis1a", owner: "aegis1b", count: "18446744073709551615" });
  assert.equal(mint.count, 18446744073709551615n);
  const bytes = registry.encode({ typeUrl: "/aegis.license.v1.MsgMintLicenses", value: mint });
  assert.deepEqual(license.MsgMintLicenses.decode(bytes), mint);

  const slash = por.MsgSlashNode.fromPartial({ authority: "aegis1gov", operator: "aegis1op", fraction: "500000000000000000" });
  assert.deepEqual(registry.decode({ typeUrl: "/aegis.por.v1.MsgSlashNode", value: registry.encode({ typeUrl: "/aegis.por.v1.MsgSlashNode", value: slash }) }), slash);
});
