/**
 * LegacyDec (`cosmos.Dec`) fields on the wire.
 *
 * Fields declared `string ... [(cosmos_proto.scalar) = "cosmos.Dec"]` (the SDK's
 * `math.LegacyDec`: PoR weights and caps, `eff`, `raw`, `capped`, `accrued`, a slash
 * `fraction`, ...) are strings in the generated types, but the two encodings of a chain
 * disagree on what the string holds:
 *
 *   - protobuf (gRPC, CometBFT ABCI queries, transactions - everything this package and
 *     CosmJS speak) carries the decimal's internal integer, scaled by 10^18, with no point:
 *     360 is "360000000000000000000", 0.5 is "500000000000000000";
 *   - REST (grpc-gateway) and the CLI's JSON show the decimal: "360.000000000000000000".
 *
 * decFromProto turns the first form into the second (exactly, with string arithmetic - never
 * a JavaScript number), decToProto does the reverse for a Msg field such as
 * MsgSlashNode.fraction.
 *
 * `cosmos.Int` fields (amounts, stakes, rewards) need nothing of this: they are the same
 * integer string in both encodings.
 */

/** Decimal places of a LegacyDec (10^18 scale). */
export const LEGACY_DEC_PRECISION = 18;

const INTEGER = /^-?\d+$/;
const DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;

/**
 * The decimal a protobuf LegacyDec string stands for, with all 18 decimals, exactly as REST
 * and the CLI print it: decFromProto("360000000000000000000") === "360.000000000000000000",
 * decFromProto("-1500000000000000000") === "-1.500000000000000000". An empty string (an unset
 * field) is zero. Throws on anything but an optionally negative integer string.
 */
export function decFromProto(raw: string): string {
  if (raw === "") raw = "0";
  if (!INTEGER.test(raw)) {
    throw new Error(
      `decFromProto: ${JSON.stringify(raw)} is not a protobuf LegacyDec (an integer string scaled by 10^18)` +
        (raw.includes(".") ? "; it is already a decimal, as REST and the CLI show it" : ""),
    );
  }
  const negative = raw.startsWith("-");
  const digits = (negative ? raw.slice(1) : raw).replace(/^0+/, "").padStart(LEGACY_DEC_PRECISION + 1, "0");
  const cut = digits.length - LEGACY_DEC_PRECISION;
  const out = `${digits.slice(0, cut)}.${digits.slice(cut)}`;
  return negative && /[1-9]/.test(digits) ? `-${out}` : out;
}

/**
 * The protobuf LegacyDec string of a decimal: decToProto("360") === "360000000000000000000",
 * decToProto("0.5") === "500000000000000000", decToProto("-1.25") === "-1250000000000000000".
 * Accepts what decFromProto returns and any plain decimal ("1", "1.", ".5", "007.50"); throws
 * on more than 18 decimals (a LegacyDec cannot hold them; rounding is left to the caller), an
 * exponent, or anything else that is not a decimal. Pass a string, not a number: a number has
 * already lost digits.
 */
export function decToProto(decimal: string): string {
  const m = DECIMAL.exec(decimal.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) {
    throw new Error(`decToProto: ${JSON.stringify(decimal)} is not a decimal number`);
  }
  const [, sign, whole, frac = ""] = m;
  if (frac.length > LEGACY_DEC_PRECISION) {
    throw new Error(
      `decToProto: ${JSON.stringify(decimal)} has ${frac.length} decimals; a LegacyDec holds at most ${LEGACY_DEC_PRECISION}`,
    );
  }
  const digits = (whole + frac.padEnd(LEGACY_DEC_PRECISION, "0")).replace(/^0+/, "");
  if (digits === "") return "0";
  return sign + digits;
}
