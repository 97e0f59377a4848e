// The amino converters against the chain: testdata/amino-sign-docs.json holds, for every Aegis
// Msg with every field zero and with every field set, the protobuf bytes and the
// SIGN_MODE_LEGACY_AMINO_JSON sign bytes the app's own sign mode handler computes for them
// (app/amino_signdoc_test.go writes it and fails when it is stale). A converter that signs
// other bytes than the chain would fail every Keplr/Ledger signature.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { makeSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { fromUtf8 } from "@cosmjs/encoding";
import { AminoTypes, createDefaultAminoConverters } from "@cosmjs/stargate";

import { aegisAminoConverters, aegisAminoTypes, aegisRegistry, aegisTypes, por } from "../src";

const ROOT = path.resolve(__dirname, "../../../.."); // dist/test -> repository root

interface Fixture {
  chain_id: string;
  account_number: number;
  sequence: number;
  memo: string;
  gas: number;
  fee: Array<{ denom: string; amount: string }>;
  cases: Array<{ name: string; type_url: string; proto: string; sign_bytes: string }>;
}
const fixture: Fixture = JSON.parse(fs.readFileSync(path.join(ROOT, "testdata/amino-sign-docs.json"), "utf8"));

const registry = aegisRegistry();
const aminoTypes = aegisAminoTypes();

/** What CosmJS's SigningStargateClient signs with an amino signer for a tx of this one Msg. */
function cosmjsSignBytes(typeUrl: string, value: unknown): string {
  const msg = aminoTypes.toAmino({ typeUrl, value });
  const fee = { amount: fixture.fee, gas: String(fixture.gas) };
  const doc = makeSignDoc([msg], fee, fixture.chain_id, fixture.memo, fixture.account_number, fixture.sequence);
  return fromUtf8(serializeSignDoc(doc));
}

test("the fixture has a zero and a full case of every Aegis Msg, and a converter for each", () => {
  const urls = aegisTypes.map(([url]) => url).sort();
  assert.deepEqual(Object.keys(aegisAminoConverters()).sort(), urls);
  for (const url of urls) {
    const names = fixture.cases.filter((c) => c.type_url === url).map((c) => c.name.split("/")[1]);
    assert.deepEqual(names.sort(), ["full", "zero"], url);
  }
  // Every Msg's amino name, as the protos declare it (option (amino.name)).
  const declared = new Map<string, string>();
  for (const mod of ["por", "license"]) {
    const src = fs.readFileSync(path.join(ROOT, "proto/aegis", mod, "v1/tx.proto"), "utf8");
    for (const m of src.matchAll(/^message (\w+) \{[^}]*?option \(amino\.name\) = "([^"]+)";/gms)) {
      declared.set(`/aegis.${mod}.v1.${m[1]}`, m[2]);
    }
  }
  for (const [url, conv] of Object.entries(aegisAminoConverters())) assert.equal(conv.aminoType, declared.get(url), url);
  // And they are distinct from CosmJS's own.
  const theirs = new Set(Object.values(createDefaultAminoConverters()).map((c) => c.aminoType));
  for (const c of Object.values(aegisAminoConverters())) assert.ok(!theirs.has(c.aminoType), c.aminoType);
});

for (const c of fixture.cases) {
  test(`${c.name}: CosmJS signs the chain's amino JSON, and fromAmino gives back the Msg`, () => {
    const bytes = Uint8Array.from(Buffer.from(c.proto, "base64"));
    const value = registry.decode({ typeUrl: c.type_url, value: bytes });

    assert.equal(cosmjsSignBytes(c.type_url, value), c.sign_bytes);

    // The amino signer's tx carries fromAmino(toAmino(msg)): the same Msg, the same bytes.
    const back = aminoTypes.fromAmino(aminoTypes.toAmino({ typeUrl: c.type_url, value }));
    assert.equal(back.typeUrl, c.type_url);
    assert.deepEqual(back.value, value);
    assert.deepEqual(registry.encode(back), bytes);
  });
}

test("fromAmino builds each generated Msg type, with exactly its fields", () => {
  for (const [url, type] of aegisTypes) {
    const conv = aegisAminoConverters()[url];
    const empty = (type as any).fromPartial({});
    assert.deepEqual(Object.keys(conv.fromAmino({})).sort(), Object.keys(empty).sort(), url);
  }
});

test("toAmino takes partial Msgs as the registry does (fields left out are zero)", () => {
  const partial = { operator: "aegis1op", totals: { compute: 600n }, parts: [{ role: por.NodeRole.NODE_ROLE_WORKER }] };
  const full = por.MsgSubmitReport.fromPartial(partial);
  const a = aminoTypes.toAmino({ typeUrl: "/aegis.por.v1.MsgSubmitReport", value: partial });
  assert.deepEqual(a, aminoTypes.toAmino({ typeUrl: "/aegis.por.v1.MsgSubmitReport", value: full }));
  assert.deepEqual(a, {
    type: "aegis/por/MsgSubmitReport",
    value: {
      operator: "aegis1op",
      totals: { compute: "600", storage: "0", bandwidth: "0" },
      parts: [{ role: 1, resources: { compute: "0", storage: "0", bandwidth: "0" } }],
    },
  });
  // LegacyDec: the 18-decimal string in amino JSON, the scaled integer in protobuf.
  const slash = aminoTypes.toAmino({
    typeUrl: "/aegis.por.v1.MsgSlashNode",
    value: por.MsgSlashNode.fromPartial({ authority: "aegis1gov", operator: "aegis1op", fraction: "500000000000000000" }),
  });
  assert.deepEqual(slash.value, { authority: "aegis1gov", operator: "aegis1op", fraction: "0.500000000000000000" });
  assert.equal(aminoTypes.fromAmino(slash).value.fraction, "500000000000000000");
});

test("the default CosmJS converters are still there (bank)", () => {
  const types = new AminoTypes(createDefaultAminoConverters());
  const send = { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: "a", toAddress: "b", amount: [] } };
  assert.deepEqual(aminoTypes.toAmino(send), types.toAmino(send));
});
