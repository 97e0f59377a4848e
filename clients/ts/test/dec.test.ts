import assert from "node:assert/strict";
import { test } from "node:test";

import { decFromProto, decToProto } from "../src";

test("decFromProto: the protobuf LegacyDec integer (10^18 scale) as the decimal REST shows", () => {
  const cases: Array<[string, string]> = [
    ["360000000000000000000", "360.000000000000000000"],
    ["300000000000000000000", "300.000000000000000000"],
    ["500000000000000000", "0.500000000000000000"],
    ["1", "0.000000000000000001"],
    ["0", "0.000000000000000000"],
    ["", "0.000000000000000000"],
    ["000123", "0.000000000000000123"],
    ["-1500000000000000000", "-1.500000000000000000"],
    ["-0", "0.000000000000000000"],
    // beyond 2^64 and 2^53: strings all the way
    ["123456789012345678901234567890123456789", "123456789012345678901.234567890123456789"],
  ];
  for (const [raw, want] of cases) assert.equal(decFromProto(raw), want, raw);
});

test("decFromProto rejects what is not a protobuf LegacyDec", () => {
  assert.throws(() => decFromProto("360.000000000000000000"), /already a decimal/);
  for (const bad of ["1e18", " 1", "abc", "+1", "0x10"]) assert.throws(() => decFromProto(bad), /not a protobuf LegacyDec/, bad);
});

test("decToProto is the inverse", () => {
  const cases: Array<[string, string]> = [
    ["360", "360000000000000000000"],
    ["360.000000000000000000", "360000000000000000000"],
    ["0.5", "500000000000000000"],
    [".5", "500000000000000000"],
    ["1.", "1000000000000000000"],
    ["007.50", "7500000000000000000"],
    ["0.000000000000000001", "1"],
    ["0", "0"],
    ["-0.0", "0"],
    ["-1.25", "-1250000000000000000"],
  ];
  for (const [dec, want] of cases) assert.equal(decToProto(dec), want, dec);
  for (const raw of ["1", "360000000000000000000", "-1500000000000000000", "987654321987654321987654321"]) {
    assert.equal(decToProto(decFromProto(raw)), raw, raw);
  }
  assert.throws(() => decToProto("0.0000000000000000001"), /19 decimals/);
  for (const bad of ["", ".", "-", "1e3", "1,5", "abc", "1.2.3"]) assert.throws(() => decToProto(bad), /not a decimal/, bad);
});
