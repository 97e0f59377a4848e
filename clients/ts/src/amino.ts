/**
 * Amino JSON converters of every Aegis Msg, for SIGN_MODE_LEGACY_AMINO_JSON signers (Keplr's
 * amino signer, Ledger, CosmJS's Secp256k1HdWallet).
 *
 * An amino signature is over JSON the chain recomputes from the tx's protobuf Msgs with the
 * SDK's x/tx aminojson encoder, from the protos' amino options; a client that signs any other
 * bytes gets "signature verification failed". The encoder's rules, which these converters
 * follow field by field:
 *
 *   - each Msg is {"type": its (amino.name), "value": {...}}; nested messages are plain objects;
 *   - field names are the proto names (snake_case); keys are sorted (CosmJS sorts them too);
 *   - a field at its zero value ("", 0, false, empty list, unset message) is left out, unless
 *     the proto marks it (amino.dont_omitempty): then "" / 0 / false / "0", and an empty list
 *     is null (not []), an unset message is its zero value;
 *   - uint64/int64 are decimal strings, uint32/int32 and enums JSON numbers, bytes base64;
 *   - cosmos.Dec (LegacyDec) is the decimal with 18 places ("0.500000000000000000"), where
 *     protobuf carries the 10^18-scaled integer ("500000000000000000"); an unset one is "0";
 *   - cosmos.Int is the integer string; an unset one is "0".
 *
 * testdata/amino-sign-docs.json (written by app/amino_signdoc_test.go from the chain's own
 * sign mode handler) holds the sign bytes of every Msg, with every field zero and with every
 * field set; test/amino.test.ts checks these converters against it.
 */
import { AminoConverter, AminoConverters, AminoTypes, createDefaultAminoConverters } from "@cosmjs/stargate";

import { decFromProto, decToProto } from "./dec";

/** How one proto field is written in amino JSON. */
type Kind = "string" | "bool" | "enum" | "uint64" | "uint32" | "bytes" | "dec" | "int" | Shape;

interface Field {
  /** The proto (and amino JSON) field name. */
  readonly name: string;
  /** The ts-proto property: the proto name in lowerCamelCase. */
  readonly prop: string;
  readonly kind: Kind;
  readonly repeated: boolean;
  /** (amino.dont_omitempty) = true */
  readonly keep: boolean;
}

/** The fields of a proto message. */
type Shape = readonly Field[];

interface FieldOpts {
  readonly repeated?: boolean;
  readonly keep?: boolean;
}

const KEEP: FieldOpts = { keep: true };
const LIST: FieldOpts = { repeated: true };
const KEEP_LIST: FieldOpts = { repeated: true, keep: true };

/** A message shape from { proto_name: kind | [kind, options] }, in proto order. */
function shape(fields: Record<string, Kind | readonly [Kind, FieldOpts]>): Shape {
  return Object.entries(fields).map(([name, spec]) => {
    const [kind, opts] = Array.isArray(spec) ? (spec as unknown as readonly [Kind, FieldOpts]) : [spec as Kind, {} as FieldOpts];
    return {
      name,
      prop: name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
      kind,
      repeated: opts.repeated ?? false,
      keep: opts.keep ?? false,
    };
  });
}

// --- base64 (bytes fields), as the generated code does it: Node's Buffer or the browser's btoa

function toBase64(bytes: Uint8Array): string {
  const g = globalThis as any;
  if (g.Buffer) return g.Buffer.from(bytes).toString("base64");
  let bin = "";
  bytes.forEach((b) => (bin += String.fromCharCode(b)));
  return g.btoa(bin);
}

function fromBase64(b64: string): Uint8Array {
  const g = globalThis as any;
  if (g.Buffer) return Uint8Array.from(g.Buffer.from(b64, "base64"));
  const bin: string = g.atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

// --- one value

function isZero(kind: Kind, v: any): boolean {
  if (v === undefined || v === null) return true;
  switch (kind) {
    case "string":
    case "dec":
    case "int":
      return v === "";
    case "bool":
      return v === false;
    case "enum":
    case "uint32":
      return Number(v) === 0;
    case "uint64":
      return BigInt(v) === 0n;
    case "bytes":
      return v.length === 0;
    default:
      return false; // a message that is set is written, even if all its fields are zero
  }
}

function valueToAmino(kind: Kind, v: any): unknown {
  switch (kind) {
    case "string":
      return v ?? "";
    case "bool":
      return v ?? false;
    case "enum":
    case "uint32":
      return Number(v ?? 0);
    case "uint64":
      return BigInt(v ?? 0).toString();
    case "bytes":
      return toBase64(v ?? new Uint8Array(0));
    case "dec":
      // An unset LegacyDec is "0", a set one its 18-decimal form (zero: "0.000000000000000000").
      return v === undefined || v === null || v === "" ? "0" : decFromProto(v);
    case "int":
      return v === undefined || v === null || v === "" ? "0" : String(v);
    default:
      return messageToAmino(kind, v ?? {});
  }
}

function valueFromAmino(kind: Kind, v: any): unknown {
  switch (kind) {
    case "string":
      return v ?? "";
    case "bool":
      return v ?? false;
    case "enum":
    case "uint32":
      return Number(v ?? 0);
    case "uint64":
      return BigInt(v ?? 0);
    case "bytes":
      return v ? fromBase64(v) : new Uint8Array(0);
    case "dec":
      // "0" is what an unset LegacyDec signs as: keep it unset, so the chain signs "0" again.
      return v === undefined || v === null || v === "0" ? "" : decToProto(v);
    case "int":
      return v ?? "";
    default:
      return messageFromAmino(kind, v ?? {});
  }
}

// --- messages

function messageToAmino(s: Shape, msg: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of s) {
    const v = msg?.[f.prop];
    if (f.repeated) {
      const list: readonly unknown[] = v ?? [];
      if (list.length > 0) out[f.name] = list.map((e) => valueToAmino(f.kind, e));
      else if (f.keep) out[f.name] = null; // x/tx writes an empty kept list as null
    } else if (f.keep || !isZero(f.kind, v)) {
      out[f.name] = valueToAmino(f.kind, v);
    }
  }
  return out;
}

function messageFromAmino(s: Shape, json: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of s) {
    const v = json?.[f.name];
    if (f.repeated) {
      out[f.prop] = ((v ?? []) as unknown[]).map((e) => valueFromAmino(f.kind, e));
    } else if (typeof f.kind !== "string" && (v === undefined || v === null) && !f.keep) {
      out[f.prop] = undefined; // an unset message that amino leaves out stays unset
    } else {
      out[f.prop] = valueFromAmino(f.kind, v);
    }
  }
  return out;
}

// --- the Aegis messages (proto/aegis/*/v1/*.proto, with their amino options)

const Coin = shape({ denom: "string", amount: ["int", KEEP] });

// aegis.por.v1
const Resources = shape({ compute: ["uint64", KEEP], storage: ["uint64", KEEP], bandwidth: ["uint64", KEEP] });
const RolePart = shape({ role: ["enum", KEEP], resources: [Resources, KEEP] });
const StorageProof = shape({ nonce: "uint32", indexes: "bytes" });
const RoleParams = shape({
  role: ["enum", KEEP],
  alloc_bps: ["uint32", KEEP],
  slot_cap: ["uint64", KEEP],
  weight_compute: ["dec", KEEP],
  weight_storage: ["dec", KEEP],
  weight_bandwidth: ["dec", KEEP],
  por_cap: ["dec", KEEP],
  min_compute: ["uint64", KEEP],
  min_storage: ["uint64", KEEP],
  min_bandwidth: ["uint64", KEEP],
  penalty: ["dec", KEEP],
  min_stake: ["int", KEEP],
});
const StorageProofParams = shape({
  labels_per_storage_unit: ["uint64", KEEP],
  label_scrypt_n: ["uint32", KEEP],
  k1: ["uint32", KEEP],
  k2: ["uint32", KEEP],
  nonces: ["uint32", KEEP],
  rechecks: ["uint32", KEEP],
  scan_bytes_per_block: ["uint64", KEEP],
});
const ComputeProofParams = shape({
  tiles_per_unit_second: ["uint64", KEEP],
  work_seconds: ["uint32", KEEP],
  commit_seconds: ["uint32", KEEP],
  samples: ["uint32", KEEP],
  max_block_seconds: ["uint32", KEEP],
});
const ChallengeParams = shape({
  challenges_per_day: ["uint32", KEEP],
  answer_window_blocks: ["uint64", KEEP],
  slash_failures: ["uint32", KEEP],
  failure_window_days: ["uint32", KEEP],
  slash_fraction: ["dec", KEEP],
  spread_blocks: ["uint64", KEEP],
  receipt_days: ["uint32", KEEP],
  storage: [StorageProofParams, KEEP],
  storage_slash_fraction: ["dec", KEEP],
  vesting_days: ["uint32", KEEP],
  disqualify_days: ["uint32", KEEP],
  compute: [ComputeProofParams, KEEP],
  compute_slash_fraction: ["dec", KEEP],
});
const PorParams = shape({
  roles: [RoleParams, KEEP_LIST],
  report_days: ["uint32", KEEP],
  unbonding_days: ["uint32", KEEP],
  max_resource_value: ["uint64", KEEP],
  stake_denom: ["string", KEEP],
  challenge: [ChallengeParams, KEEP],
});

// aegis.license.v1
const LicenseParams = shape({
  stage: ["enum", KEEP],
  authority: ["string", KEEP],
  stake_equivalent: ["int", KEEP],
  liquidation_threshold: ["dec", KEEP],
  redemption_enabled: ["bool", KEEP],
  bond_denom: ["string", KEEP],
});

/** Each Msg: [type URL, amino name, shape]. */
const MSGS: ReadonlyArray<readonly [string, string, Shape]> = [
  ["/aegis.por.v1.MsgRegisterNode", "aegis/por/MsgRegisterNode",
    shape({ operator: "string", moniker: "string", roles: ["enum", LIST], stake: [Coin, KEEP], reporter: "string" })],
  ["/aegis.por.v1.MsgActivateRole", "aegis/por/MsgActivateRole", shape({ operator: "string", role: "enum" })],
  ["/aegis.por.v1.MsgDeactivateRole", "aegis/por/MsgDeactivateRole", shape({ operator: "string", role: "enum" })],
  ["/aegis.por.v1.MsgAddStake", "aegis/por/MsgAddStake", shape({ operator: "string", amount: [Coin, KEEP] })],
  ["/aegis.por.v1.MsgUnbondStake", "aegis/por/MsgUnbondStake", shape({ operator: "string", amount: [Coin, KEEP] })],
  ["/aegis.por.v1.MsgSetWithdrawAddress", "aegis/por/MsgSetWithdrawAddress",
    shape({ operator: "string", withdraw_address: "string" })],
  ["/aegis.por.v1.MsgSetReporter", "aegis/por/MsgSetReporter", shape({ operator: "string", reporter: "string" })],
  ["/aegis.por.v1.MsgSubmitReport", "aegis/por/MsgSubmitReport",
    shape({ operator: "string", totals: [Resources, KEEP], parts: [RolePart, KEEP_LIST], dataset_nonce: "uint64" })],
  ["/aegis.por.v1.MsgClaimRewards", "aegis/por/MsgClaimRewards", shape({ operator: "string" })],
  ["/aegis.por.v1.MsgAnswerChallenge", "aegis/por/MsgAnswerChallenge",
    shape({
      operator: "string", challenge_id: "uint64", proof: [StorageProof, {}],
      compute_root: "bytes", compute_paths: ["bytes", LIST],
    })],
  ["/aegis.por.v1.MsgSlashNode", "aegis/por/MsgSlashNode",
    shape({ authority: "string", operator: "string", fraction: ["dec", KEEP], reason: "string" })],
  ["/aegis.por.v1.MsgUpdateParams", "aegis/por/MsgUpdateParams", shape({ authority: "string", params: [PorParams, KEEP] })],
  ["/aegis.por.v1.MsgRetryPayout", "aegis/por/MsgRetryPayout", shape({ signer: "string", ids: ["uint64", LIST] })],

  ["/aegis.license.v1.MsgMintLicenses", "aegis/license/MsgMintLicenses",
    shape({ authority: "string", owner: "string", count: "uint64" })],
  ["/aegis.license.v1.MsgTransferLicenses", "aegis/license/MsgTransferLicenses",
    shape({ owner: "string", ids: ["uint64", LIST], to: "string" })],
  ["/aegis.license.v1.MsgAuthorizeOperator", "aegis/license/MsgAuthorizeOperator",
    shape({ owner: "string", ids: ["uint64", LIST], operator: "string" })],
  ["/aegis.license.v1.MsgRevokeOperator", "aegis/license/MsgRevokeOperator", shape({ owner: "string", ids: ["uint64", LIST] })],
  ["/aegis.license.v1.MsgBindToValidator", "aegis/license/MsgBindToValidator",
    shape({ signer: "string", ids: ["uint64", LIST], validator: "string" })],
  ["/aegis.license.v1.MsgBindToNode", "aegis/license/MsgBindToNode",
    shape({ signer: "string", ids: ["uint64", LIST], node: "string" })],
  ["/aegis.license.v1.MsgUnbind", "aegis/license/MsgUnbind", shape({ signer: "string", ids: ["uint64", LIST] })],
  ["/aegis.license.v1.MsgRedeemLicenses", "aegis/license/MsgRedeemLicenses", shape({ owner: "string", ids: ["uint64", LIST] })],
  ["/aegis.license.v1.MsgClaimLicenseRewards", "aegis/license/MsgClaimLicenseRewards", shape({ owner: "string" })],
  ["/aegis.license.v1.MsgUpdateParams", "aegis/license/MsgUpdateParams",
    shape({ authority: "string", params: [LicenseParams, KEEP] })],
  ["/aegis.license.v1.MsgRetrySettlement", "aegis/license/MsgRetrySettlement", shape({ signer: "string", ids: ["uint64", LIST] })],
];

/**
 * The amino converters of every Msg of aegis.por.v1 and aegis.license.v1, keyed by type URL
 * ("/aegis.por.v1.MsgSubmitReport" -> amino type "aegis/por/MsgSubmitReport"). toAmino takes
 * the generated (ts-proto) message or a partial one, like the registry; fromAmino returns the
 * generated message. Merge them into your own AminoTypes, or use aegisAminoTypes().
 */
export function aegisAminoConverters(): AminoConverters {
  const out: Record<string, AminoConverter> = {};
  for (const [typeUrl, aminoType, s] of MSGS) {
    out[typeUrl] = {
      aminoType,
      toAmino: (value: unknown) => messageToAmino(s, value),
      fromAmino: (value: unknown) => messageFromAmino(s, value),
    };
  }
  return out;
}

/**
 * CosmJS's default amino converters (bank, staking, distribution, gov v1beta1, ...) and every
 * Aegis Msg's, for SigningStargateClient's aminoTypes option next to aegisRegistry():
 *
 *   await SigningStargateClient.createWithSigner(comet, aminoSigner, {
 *     registry: aegisRegistry(), aminoTypes: aegisAminoTypes(), gasPrice,
 *   })
 *
 * With an amino-only signer (Secp256k1HdWallet, Keplr's getOfflineSignerOnlyAmino, Ledger)
 * the client then signs SIGN_MODE_LEGACY_AMINO_JSON; with a direct signer it still signs
 * SIGN_MODE_DIRECT.
 */
export function aegisAminoTypes(): AminoTypes {
  return new AminoTypes({ ...createDefaultAminoConverters(), ...aegisAminoConverters() });
}
