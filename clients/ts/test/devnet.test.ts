// End-to-end: a real devnet (scripts/devnet.sh, detached, in a temporary home on free ports),
// driven only through this package and CosmJS - typed queries, the README's example run as
// printed, and every Aegis Msg signed both ways: SIGN_MODE_DIRECT and, through the amino
// converters, SIGN_MODE_LEGACY_AMINO_JSON (Keplr's amino signer, Ledger).
//
// Env: AEGIS_E2E_PORT_OFFSET  DEVNET_PORT_OFFSET to use (default: the first free of 300, 310, ...)
//      AEGIS_E2E_HOME         use the devnet already running in this home (with the offset above)
//                             instead of starting and stopping one (started with
//                             DEVNET_EXTRA_KEYS="e2e-direct e2e-amino")
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { Secp256k1HdWallet } from "@cosmjs/amino";
import { decodeTxRaw, DirectSecp256k1HdWallet, EncodeObject, OfflineSigner } from "@cosmjs/proto-signing";
import {
  AminoTypes,
  assertIsDeliverTxSuccess,
  calculateFee,
  DeliverTxResponse,
  GasPrice,
  QueryClient,
  setupStakingExtension,
  SigningStargateClient,
} from "@cosmjs/stargate";
import { Comet38Client, connectComet } from "@cosmjs/tendermint-rpc";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";

import {
  aegisAminoConverters,
  aegisAminoTypes,
  aegisQueryClients,
  AegisQueryClients,
  aegisRegistry,
  aegisTypes,
  connectAegisComet,
  decFromProto,
  decToProto,
  license,
  por,
} from "../src";
import { compileReadmeExample, runExample } from "./readme";

const ROOT = path.resolve(__dirname, "../../../.."); // dist/test -> repository root
const DAY_SECONDS = 15;
const DENOM = "uaegis";
const GAS_PRICE = GasPrice.fromString(`0.025${DENOM}`); // the devnet nodes' minimum

/**
 * The genesis keys (devnet.sh's DEVNET_EXTRA_KEYS) that sign every Aegis Msg one way each.
 * Genesis accounts have small account numbers; the accounts a bank send creates later have
 * pseudo-random ones >= 2^63 (Cosmos SDK 0.53+), which need CosmJS >= 0.39: the test
 * "accounts created after genesis ..." signs with such accounts both ways.
 */
const ACTOR_KEYS = { direct: "e2e-direct", amino: "e2e-amino" } as const;

const reuse = process.env.AEGIS_E2E_HOME;
let home = "";
let offset = 0;
let passedTests = 0; // the home of a failed run is kept
const TESTS = 8;
let comet: Comet38Client | undefined;
let q: AegisQueryClients;
const keys: Record<string, { address: string; client: SigningStargateClient }> = {};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn every 500 ms until it returns something other than undefined/false. */
async function waitFor<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** The first offset (300, 310, ...) whose five devnet ports are all free. */
async function freeOffset(): Promise<number> {
  for (let o = 300; o < 1000; o += 10) {
    const ports = [26656, 26657, 26658, 1317, 9090].map((p) => p + o);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return o;
  }
  throw new Error("no free devnet port offset in 300..990");
}

function devnet(...args: string[]) {
  const env = {
    ...process.env,
    DEVNET_HOME: home,
    DEVNET_PORT_OFFSET: String(offset),
    DEVNET_DAY_SECONDS: String(DAY_SECONDS),
    DEVNET_EXTRA_KEYS: Object.values(ACTOR_KEYS).join(" "),
  };
  return spawnSync("bash", ["scripts/devnet.sh", ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 600_000 });
}

/** The mnemonic and address devnet.sh recorded for a key (aegisd keys add --output json). */
function keyFile(name: string): { address: string; mnemonic: string } {
  const text = fs.readFileSync(path.join(home, `${name}.json`), "utf8");
  const line = text.split("\n").find((l) => l.trimStart().startsWith("{") && l.includes('"mnemonic"'));
  assert.ok(line, `no key JSON in ${home}/${name}.json`);
  return JSON.parse(line);
}

function restGet(p: string): Promise<any> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: 1317 + offset, path: p }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`GET ${p}: ${res.statusCode} ${body}`))));
      })
      .on("error", reject);
  });
}

/** A signing client of this package's registry and amino converters (direct or amino signer). */
async function signingClient(signer: OfflineSigner): Promise<SigningStargateClient> {
  return SigningStargateClient.createWithSigner(comet!, signer, {
    registry: aegisRegistry(),
    aminoTypes: aegisAminoTypes(),
    gasPrice: GAS_PRICE,
    broadcastPollIntervalMs: 250, // blocks come every second
  });
}

/** Simulates, then signs and broadcasts with a fee we know exactly (gas x 1.5 at 0.025uaegis). */
async function send(key: string, msgs: EncodeObject[]): Promise<{ res: DeliverTxResponse; fee: bigint }> {
  const { address, client } = keys[key];
  const gas = await client.simulate(address, msgs, undefined);
  const fee = calculateFee(Math.ceil(gas * 1.5), GAS_PRICE);
  const res = await client.signAndBroadcast(address, msgs, fee);
  assertIsDeliverTxSuccess(res);
  assert.equal(fee.amount.length, 1);
  return { res, fee: BigInt(fee.amount[0].amount) };
}

/** The attributes of the one event of this type in a tx (typed events carry JSON values). */
function eventAttrs(res: DeliverTxResponse, type: string): Record<string, unknown> {
  const evs = res.events.filter((e) => e.type === type);
  assert.equal(evs.length, 1, `${type} events in tx ${res.transactionHash}`);
  return Object.fromEntries(evs[0].attributes.map((a) => [a.key, a.value.startsWith('"') ? JSON.parse(a.value) : a.value]));
}

before(async () => {
  offset = Number(process.env.AEGIS_E2E_PORT_OFFSET ?? (await freeOffset()));
  if (reuse) {
    home = reuse;
  } else {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "aegis-ts-e2e-"));
    const r = devnet("--reset", "--detach");
    if (r.status !== 0) {
      throw new Error(`scripts/devnet.sh --reset --detach failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    }
  }
  comet = await connectAegisComet(`http://127.0.0.1:${26657 + offset}`);
  q = aegisQueryClients(comet);
  for (const name of ["alice", "node1"]) {
    const k = keyFile(name);
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(k.mnemonic, { prefix: "aegis" });
    const [account] = await wallet.getAccounts();
    assert.equal(account.address, k.address, `${name}: the wallet derives the keyring's address`);
    keys[name] = { address: account.address, client: await signingClient(wallet) };
  }
});

after(() => {
  comet?.disconnect();
  if (reuse) return;
  const r = devnet("--stop");
  if (r.status !== 0) console.error(`scripts/devnet.sh --stop failed:\n${r.stdout}\n${r.stderr}`);
  if (passedTests === TESTS) {
    fs.rmSync(home, { recursive: true, force: true });
  } else if (home) {
    const log = path.join(home, "aegisd.log");
    const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").slice(-40).join("\n") : "(no log)";
    console.error(`devnet home kept for inspection: ${home}\n--- last lines of ${log} ---\n${tail}`);
  }
});

test("typed queries: emission status and params, the devnet's resource node", async () => {
  const { params } = await q.emission.params({});
  assert.equal(params!.denom, DENOM);
  assert.equal(params!.daySeconds, BigInt(DAY_SECONDS));

  const status = await q.emission.status({});
  assert.equal(typeof status.currentDay, "bigint");
  assert.ok(status.currentDay >= 1n);
  assert.ok(BigInt(status.totalIssued) + BigInt(status.remaining) === BigInt(params!.total));
  assert.ok(status.nextDayEndTime && status.nextDayEndTime.seconds > 0n);

  const { node, roles } = await q.por.node({ operator: keys.node1.address });
  assert.equal(node!.operator, keys.node1.address);
  assert.equal(roles.length, 5);
  assert.ok(node!.lastReportDay >= 1n, "devnet.sh's report");

  // LegacyDec fields come as the 10^18-scaled integer; decFromProto gives what REST shows.
  const rest = await restGet(`/aegis/por/v1/nodes/${keys.node1.address}`);
  roles.forEach((r, i) => {
    for (const f of ["raw", "capped", "eff", "accrued"] as const) {
      assert.match(r[f], /^\d+$/);
      assert.equal(decFromProto(r[f]), rest.roles[i][f], `${r.role} ${f}`);
    }
  });
  passedTests++;
});

test("connectAegisComet reads the day ticks' finalize_block events, which CosmJS's connectComet drops", async (t) => {
  // A block with a day tick (every DAY_SECONDS the EndBlocker issues a day): the first one,
  // waiting for it if the devnet is that young.
  let next = 1;
  const tick = await waitFor("a block with aegis.emission.v1.EventDayIssued", (DAY_SECONDS + 30) * 1000, async () => {
    const latest = (await comet!.status()).syncInfo.latestBlockHeight;
    for (; next < latest; next++) { // the latest block's results may not be stored yet
      const types = (await comet!.blockResults(next)).finalizeBlockEvents.map((e) => e.type);
      if (types.includes("aegis.emission.v1.EventDayIssued")) return { height: next, types };
    }
    return undefined;
  });
  assert.ok(tick.types.includes("aegis.por.v1.EventRoleDay"), `block ${tick.height}: ${tick.types.join(", ")}`);

  // What CosmJS's own version detection picks for the node's CometBFT version, and what it
  // reads of that block. If a later CosmJS picks a client that sees the events, the README's
  // "Connecting" section can say so.
  const auto = await connectComet(`http://127.0.0.1:${26657 + offset}`);
  try {
    const version = (await auto.status()).nodeInfo.version;
    const r: any = await auto.blockResults(tick.height);
    const seen = [...(r.finalizeBlockEvents ?? []), ...(r.beginBlockEvents ?? []), ...(r.endBlockEvents ?? [])].map((e: any) => e.type);
    t.diagnostic(`CometBFT ${version}: connectComet picks ${auto.constructor.name}, which reads ${seen.length} events of block ${tick.height} (connectAegisComet: ${tick.types.length})`);
    if (!(auto instanceof Comet38Client)) assert.ok(!seen.includes("aegis.emission.v1.EventDayIssued"), "CosmJS's fallback now reads finalize_block events: update the README");
  } finally {
    auto.disconnect();
  }
  passedTests++;
});

test("the README's TypeScript example runs as printed: node1 reports and claims, each result checked", async (t) => {
  // Exactly the ```ts block of clients/ts/README.md (= README.md's), compiled as an app's ES
  // module; it reads node1's mnemonic and the RPC address from MNEMONIC and AEGIS_RPC.
  const example = compileReadmeExample();
  try {
    const env = { MNEMONIC: keyFile("node1").mnemonic, AEGIS_RPC: `http://127.0.0.1:${26657 + offset}` };
    const out = (await runExample(example.file, env, (DAY_SECONDS + 90) * 1000)).trim();
    t.diagnostic(`the example printed: ${out}`);
    const m = /^(\d+)n (\d+) (\d+) (\d+\.\d{18})$/.exec(out);
    assert.ok(m, `the example printed ${JSON.stringify(out)}: want "<day>n <pending> <paid> <worker eff>"`);
    const [, day, , paid, eff] = m;
    assert.ok(BigInt(paid) > 0n, "the claim paid something");
    assert.equal(eff, "300.000000000000000000", "its worker part reaches the PoR cap");
    const { node } = await q.por.node({ operator: keys.node1.address });
    assert.ok(node!.lastReportDay >= BigInt(day), `node1's report of day ${day} is on chain`);
  } finally {
    example.cleanup();
  }
  passedTests++;
});

test("node1 signs MsgSubmitReport (DIRECT, via the registry) on a later day than its last report", async (t) => {
  const operator = keys.node1.address;
  const { node } = await q.por.node({ operator });
  const day = await waitFor(`a day after node1's last report (day ${node!.lastReportDay})`, (DAY_SECONDS + 30) * 1000, async () => {
    const s = await q.emission.status({});
    return s.currentDay > node!.lastReportDay && s.currentDay;
  });

  // The devnet node's report (scripts/devnet-node.sh): each role's part meets its minimums.
  const R = por.NodeRole;
  const part = (role: por.NodeRole, compute: number, storage: number, bandwidth: number) => ({
    role,
    resources: { compute: BigInt(compute), storage: BigInt(storage), bandwidth: BigInt(bandwidth) },
  });
  const msg: EncodeObject = {
    typeUrl: "/aegis.por.v1.MsgSubmitReport",
    value: por.MsgSubmitReport.fromPartial({
      operator,
      totals: { compute: 600n, storage: 500n, bandwidth: 500n },
      parts: [
        part(R.NODE_ROLE_WORKER, 150, 100, 80),
        part(R.NODE_ROLE_DELEGATE, 110, 80, 110),
        part(R.NODE_ROLE_DA, 60, 150, 60),
        part(R.NODE_ROLE_SEQUENCER, 60, 60, 150),
        part(R.NODE_ROLE_OPERATOR, 150, 60, 60),
      ],
    }),
  };
  const { res } = await send("node1", [msg]);

  assert.equal(res.msgResponses.length, 1);
  assert.equal(res.msgResponses[0].typeUrl, "/aegis.por.v1.MsgSubmitReportResponse");
  const reported = por.MsgSubmitReportResponse.decode(res.msgResponses[0].value).day;
  assert.ok(reported >= day, `reported on day ${reported}`);
  assert.equal(eventAttrs(res, "aegis.por.v1.EventReportAccepted").day, String(reported));

  t.diagnostic(`reported on day ${reported} at height ${res.height} (previous report day ${node!.lastReportDay})`);
  const after = await q.por.node({ operator });
  assert.equal(after.node!.lastReportDay, reported);
  assert.deepEqual(after.node!.lastReportTotals, { compute: 600n, storage: 500n, bandwidth: 500n });
  for (const r of after.roles) {
    assert.equal(r.fromDay, reported);
    assert.equal(decFromProto(r.eff), "300.000000000000000000", `${por.nodeRoleToJSON(r.role)} is at the PoR cap`);
  }
  passedTests++;
});

test("node1 claims exactly the pending rewards it queried right after a day tick", async (t) => {
  const operator = keys.node1.address;
  for (let attempt = 1; ; attempt++) {
    // Right after a tick (rewards only change at ticks, in the EndBlocker)...
    const before = await q.emission.status({});
    const ticked = await waitFor("a day tick", (DAY_SECONDS + 30) * 1000, async () => {
      // CometBFT stores a block before the app commits it, so the app may not answer at
      // the latest height yet: ask again at the next poll.
      const h = (await comet!.status()).syncInfo.latestBlockHeight;
      const s = await aegisQueryClients(comet!, { height: h }).emission.status({}).catch(() => undefined);
      return s !== undefined && s.daysIssued > before.daysIssued && { h, daysIssued: s.daysIssued };
    });
    // ...read the pending rewards at that height, and claim at once.
    const pending = BigInt((await aegisQueryClients(comet!, { height: ticked.h }).por.rewards({ operator })).total);
    assert.ok(pending > 0n, "node1 earned something");
    const balanceBefore = BigInt((await keys.node1.client.getBalance(operator, DENOM)).amount);

    const { res, fee } = await send("node1", [{ typeUrl: "/aegis.por.v1.MsgClaimRewards", value: por.MsgClaimRewards.fromPartial({ operator }) }]);

    // The claim ran in block res.height, before that block's EndBlocker: it paid the state of
    // res.height - 1. Exact only if no tick ran in the blocks between.
    const atClaim = aegisQueryClients(comet!, { height: res.height - 1 });
    const daysIssued = (await atClaim.emission.status({})).daysIssued;
    if (daysIssued !== ticked.daysIssued) {
      assert.ok(attempt < 3, "a day tick ran between the query and the claim three times in a row");
      t.diagnostic(`a tick ran between the query at height ${ticked.h} and the claim at ${res.height}; again`);
      continue;
    }
    assert.equal(BigInt((await atClaim.por.rewards({ operator })).total), pending);

    // What was paid, three ways: the Msg response, the typed event, the bank balance.
    assert.equal(res.msgResponses[0].typeUrl, "/aegis.por.v1.MsgClaimRewardsResponse");
    const { amount } = por.MsgClaimRewardsResponse.decode(res.msgResponses[0].value);
    assert.deepEqual(amount, [{ denom: DENOM, amount: pending.toString() }]);
    const ev = eventAttrs(res, "aegis.por.v1.EventRewardsClaimed");
    assert.equal(ev.operator, operator);
    assert.equal(ev.amount, pending.toString());
    const balanceAfter = BigInt((await keys.node1.client.getBalance(operator, DENOM)).amount);
    assert.equal(balanceAfter - balanceBefore + fee, pending);
    t.diagnostic(`pending ${pending}${DENOM} at height ${ticked.h} (days issued ${ticked.daysIssued}); claimed at height ${res.height}, paid ${pending}, fee ${fee}`);
    passedTests++;
    return;
  }
});

test("alice (license authority) mints a license with MsgMintLicenses", async () => {
  const { supply: before } = await q.license.supply({});
  const { res } = await send("alice", [
    {
      typeUrl: "/aegis.license.v1.MsgMintLicenses",
      value: license.MsgMintLicenses.fromPartial({ authority: keys.alice.address, owner: keys.node1.address, count: 1n }),
    },
  ]);
  assert.ok(res.height > 0);
  const { supply } = await q.license.supply({});
  assert.equal(supply!.minted, before!.minted + 1n);
  const { licenses } = await q.license.licenses(license.QueryLicensesRequest.fromPartial({ owner: keys.node1.address }));
  assert.equal(licenses.length, 1);
  assert.equal(licenses[0].owner, keys.node1.address);
  passedTests++;
});

// --- every Aegis Msg, signed SIGN_MODE_DIRECT and SIGN_MODE_LEGACY_AMINO_JSON

type Flavor = "direct" | "amino";

/** The ways each Msg type was signed and the chain accepted the signature. */
const accepted = new Map<string, Set<Flavor>>();
/** The module errors of the Msgs the devnet cannot carry out. */
const refusals: string[] = [];

interface Signer {
  readonly flavor: Flavor;
  readonly address: string;
  readonly client: SigningStargateClient;
}

/** An account that signs one way, and a second address that only receives. */
interface Actor extends Signer {
  readonly other: string;
  readonly alice: Signer; // alice (the license authority), signing the same way
}

async function newWallet(flavor: Flavor, mnemonic?: string) {
  const opts = { prefix: "aegis" };
  if (flavor === "amino") return mnemonic ? Secp256k1HdWallet.fromMnemonic(mnemonic, opts) : Secp256k1HdWallet.generate(24, opts);
  return mnemonic ? DirectSecp256k1HdWallet.fromMnemonic(mnemonic, opts) : DirectSecp256k1HdWallet.generate(24, opts);
}

async function newSigner(flavor: Flavor, mnemonic?: string): Promise<Signer> {
  const wallet = await newWallet(flavor, mnemonic);
  const [{ address }] = await wallet.getAccounts();
  return { flavor, address, client: await signingClient(wallet) };
}

const SIGN_MODES: Record<Flavor, SignMode> = { direct: SignMode.SIGN_MODE_DIRECT, amino: SignMode.SIGN_MODE_LEGACY_AMINO_JSON };

/** Records that the chain took msg signed s's way (checking the sign mode the tx carries). */
async function record(s: Signer, msg: EncodeObject, res: DeliverTxResponse): Promise<void> {
  const { tx } = await comet!.tx({ hash: Buffer.from(res.transactionHash, "hex") });
  const { signerInfos } = decodeTxRaw(tx).authInfo;
  assert.equal(signerInfos[0].modeInfo?.single?.mode, SIGN_MODES[s.flavor], `${msg.typeUrl}: the tx's sign mode`);
  if (!accepted.has(msg.typeUrl)) accepted.set(msg.typeUrl, new Set());
  accepted.get(msg.typeUrl)!.add(s.flavor);
}

/** Signs msg ("auto" gas, which simulates it first), checks that it succeeded and records it. */
async function deliver(s: Signer, msg: EncodeObject): Promise<DeliverTxResponse> {
  const res = await s.client.signAndBroadcast(s.address, [msg], 1.5);
  assertIsDeliverTxSuccess(res);
  await record(s, msg, res);
  return res;
}

/**
 * A Msg the devnet cannot carry out (it needs state the devnet does not have, or the gov
 * account's signature) is signed with a fixed fee (simulating would run it): CheckTx verifies
 * the signature (signAndBroadcast throws if it fails), then the module refuses the Msg in the
 * block with its own error.
 */
async function refused(s: Signer, msg: EncodeObject, error: RegExp): Promise<void> {
  const res = await s.client.signAndBroadcast(s.address, [msg], calculateFee(400_000, GAS_PRICE));
  assert.notEqual(res.code, 0, `${msg.typeUrl} should have been refused`);
  const log = res.rawLog || (await comet!.tx({ hash: Buffer.from(res.transactionHash, "hex") })).result.log || "";
  assert.match(log, error, `${msg.typeUrl} (${s.flavor}): code ${res.code}`);
  assert.doesNotMatch(log, /signature verification failed|unauthorized: pubKey/i);
  await record(s, msg, res);
  refusals.push(`${s.flavor} ${msg.typeUrl}: code ${res.code}, ${log.replace(/^failed to execute message; message index: 0: /, "")}`);
}

const porMsg = (name: string, value: unknown): EncodeObject => ({ typeUrl: `/aegis.por.v1.${name}`, value });
const licenseMsg = (name: string, value: unknown): EncodeObject => ({ typeUrl: `/aegis.license.v1.${name}`, value });

const TWO_TO_63 = 2n ** 63n;

test("accounts created after genesis (account numbers >= 2^63) sign DIRECT and LEGACY_AMINO_JSON: each registers a node and reports", async (t) => {
  const { params } = await q.por.params({});
  const minStake = BigInt(params!.roles[0].minStake);
  const R = por.NodeRole;
  const coin = (amount: bigint) => ({ denom: DENOM, amount: amount.toString() });

  // Two new mnemonics, one per signer kind: no account on chain until alice funds them.
  const fresh = [await newSigner("direct"), await newSigner("amino")];
  for (const s of fresh) assert.equal(await s.client.getAccount(s.address), null, `${s.flavor}: ${s.address} is new`);
  const funds = minStake + 10_000_000n; // the stake, and the fees of a few txs
  const { res: funded } = await send("alice", fresh.map((s) => ({
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: keys.alice.address, toAddress: s.address, amount: [coin(funds)] },
  })));

  // The bank send created the accounts, with GenerateID numbers: >= 2^63, beyond a JS number.
  const numbers = new Map<string, bigint>();
  for (const s of fresh) {
    const account = await s.client.getAccount(s.address);
    assert.ok(account, `${s.flavor}: the bank send created ${s.address}`);
    assert.equal(typeof account.accountNumber, "bigint");
    assert.ok(account.accountNumber >= TWO_TO_63, `${s.flavor}: account number ${account.accountNumber} >= 2^63`);
    assert.ok(account.accountNumber > BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(account.sequence, 0);
    // Exactly the chain's number (REST renders uint64 as a decimal string).
    const rest = await restGet(`/cosmos/auth/v1beta1/accounts/${s.address}`);
    assert.equal(account.accountNumber.toString(), rest.account.account_number, `${s.flavor}: CosmJS reads the exact account number`);
    numbers.set(s.address, account.accountNumber);
    t.diagnostic(`${s.flavor}: ${s.address} created at height ${funded.height}, account number ${account.accountNumber}`);
  }

  // Each signs two Aegis txs its own way (simulated first: "auto" gas), the chain accepts both.
  await Promise.all(fresh.map(async (s) => {
    const moniker = `post-genesis ${s.flavor}`;
    const registered = await deliver(s, porMsg("MsgRegisterNode", por.MsgRegisterNode.fromPartial({
      operator: s.address, moniker, roles: [R.NODE_ROLE_WORKER], stake: coin(minStake),
    })));
    assertIsDeliverTxSuccess(registered);
    const reported = await deliver(s, porMsg("MsgSubmitReport", por.MsgSubmitReport.fromPartial({
      operator: s.address,
      totals: { compute: 600n, storage: 500n, bandwidth: 500n },
      parts: [{ role: R.NODE_ROLE_WORKER, resources: { compute: 150n, storage: 100n, bandwidth: 80n } }],
    })));
    assertIsDeliverTxSuccess(reported);
    const day = response(reported, por.MsgSubmitReportResponse).day;

    const { node, roles } = await q.por.node({ operator: s.address });
    assert.equal(node!.moniker, moniker);
    assert.deepEqual(node!.roles, [R.NODE_ROLE_WORKER]);
    assert.equal(node!.stake, minStake.toString());
    assert.equal(node!.lastReportDay, day);
    assert.equal(roles.length, 1);
    const account = await s.client.getAccount(s.address);
    assert.equal(account!.accountNumber, numbers.get(s.address), `${s.flavor}: the same account`);
    assert.equal(account!.sequence, 2, `${s.flavor}: two txs signed`);
    t.diagnostic(`${s.flavor}: registered at height ${registered.height}, reported day ${day} at height ${reported.height}`);
  }));
  passedTests++;
});

/** The type URL's decoded Msg response of a one-Msg tx. */
function response<T>(res: DeliverTxResponse, type: { decode(b: Uint8Array): T }): T {
  return type.decode(res.msgResponses[0].value);
}

/**
 * Every Msg of aegis.por.v1 and aegis.license.v1, in an order that gives each the state it
 * needs: a new node's life (register, stake, roles, withdraw address, report, claim), its
 * licenses (operator, node and validator bindings, transfer, rewards), and the Msgs it cannot
 * carry out on a devnet, refused by their module after the signature was accepted.
 */
async function journey(t: { diagnostic(msg: string): void }, a: Actor, licenses: bigint[], minStake: bigint, validator: string) {
  const X = a.address;
  const R = por.NodeRole;
  const coin = (amount: bigint) => ({ denom: DENOM, amount: amount.toString() });
  const node = async () => (await q.por.node({ operator: X })).node!;
  const lic = async (id: bigint) => (await q.license.license({ id })).license!;

  const [l1, l2, l3] = licenses;

  // A node in two roles, with a moniker JSON escapes (amino JSON escapes <, > and &).
  const moniker = `${a.flavor} <node> & é`;
  await deliver(a, porMsg("MsgRegisterNode", por.MsgRegisterNode.fromPartial({
    operator: X, moniker, roles: [R.NODE_ROLE_WORKER, R.NODE_ROLE_DELEGATE], stake: coin(2n * minStake),
  })));
  let n = await node();
  assert.equal(n.moniker, moniker);
  assert.deepEqual(n.roles, [R.NODE_ROLE_WORKER, R.NODE_ROLE_DELEGATE]);
  assert.equal(n.stake, (2n * minStake).toString());

  await deliver(a, porMsg("MsgAddStake", por.MsgAddStake.fromPartial({ operator: X, amount: coin(minStake) })));
  await deliver(a, porMsg("MsgActivateRole", por.MsgActivateRole.fromPartial({ operator: X, role: R.NODE_ROLE_DA })));
  assert.deepEqual((await node()).roles, [R.NODE_ROLE_WORKER, R.NODE_ROLE_DELEGATE, R.NODE_ROLE_DA]);
  await deliver(a, porMsg("MsgDeactivateRole", por.MsgDeactivateRole.fromPartial({ operator: X, role: R.NODE_ROLE_DA })));
  const unbond = await deliver(a, porMsg("MsgUnbondStake", por.MsgUnbondStake.fromPartial({ operator: X, amount: coin(minStake) })));
  const entry = response(unbond, por.MsgUnbondStakeResponse).entry!;
  assert.equal(entry.amount, minStake.toString());
  n = await node();
  assert.deepEqual(n.roles, [R.NODE_ROLE_WORKER, R.NODE_ROLE_DELEGATE]);
  assert.equal(n.stake, (2n * minStake).toString());

  await deliver(a, porMsg("MsgSetWithdrawAddress", por.MsgSetWithdrawAddress.fromPartial({ operator: X, withdrawAddress: a.other })));
  assert.equal((await node()).withdrawAddress, a.other);
  // A reporter key named, then revoked (the rest of this walk signs as the operator).
  await deliver(a, porMsg("MsgSetReporter", por.MsgSetReporter.fromPartial({ operator: X, reporter: a.other })));
  assert.equal((await node()).reporter, a.other);
  await deliver(a, porMsg("MsgSetReporter", por.MsgSetReporter.fromPartial({ operator: X, reporter: "" })));
  assert.equal((await node()).reporter, "");

  // A report committing its datasets under a nonce (uint64: a string in amino JSON).
  const part = (role: por.NodeRole, compute: bigint, storage: bigint, bandwidth: bigint) => ({ role, resources: { compute, storage, bandwidth } });
  const reported = await deliver(a, porMsg("MsgSubmitReport", por.MsgSubmitReport.fromPartial({
    operator: X,
    totals: { compute: 300n, storage: 200n, bandwidth: 200n },
    parts: [part(R.NODE_ROLE_WORKER, 150n, 100n, 80n), part(R.NODE_ROLE_DELEGATE, 110n, 80n, 110n)],
    datasetNonce: 18_446_744_073_709_551_615n,
  })));
  const day = response(reported, por.MsgSubmitReportResponse).day;
  n = await node();
  assert.equal(n.lastReportDay, day);
  assert.deepEqual(n.lastReportTotals, { compute: 300n, storage: 200n, bandwidth: 200n });
  const { datasets } = await q.por.node({ operator: X });
  assert.deepEqual(datasets.map((d) => d.dataset!.nonce), []); // challenges are off on the devnet: nothing to commit

  // Licenses: an operator authorized and revoked, a node binding and its end, a validator
  // binding, a transfer.
  await deliver(a, licenseMsg("MsgAuthorizeOperator", license.MsgAuthorizeOperator.fromPartial({ owner: X, ids: [l1], operator: a.other })));
  assert.equal((await lic(l1)).operator, a.other);
  await deliver(a, licenseMsg("MsgRevokeOperator", license.MsgRevokeOperator.fromPartial({ owner: X, ids: [l1] })));
  assert.equal((await lic(l1)).operator, "");
  await deliver(a, licenseMsg("MsgBindToNode", license.MsgBindToNode.fromPartial({ signer: X, ids: [l1], node: X })));
  assert.deepEqual((await lic(l1)).binding, { kind: license.BindingKind.BINDING_NODE, target: X });
  await deliver(a, licenseMsg("MsgUnbind", license.MsgUnbind.fromPartial({ signer: X, ids: [l1] })));
  assert.equal((await lic(l1)).binding!.kind, license.BindingKind.BINDING_NONE);
  await deliver(a, licenseMsg("MsgBindToValidator", license.MsgBindToValidator.fromPartial({ signer: X, ids: [l2], validator })));
  assert.deepEqual((await lic(l2)).binding, { kind: license.BindingKind.BINDING_VALIDATOR, target: validator });
  await deliver(a, licenseMsg("MsgTransferLicenses", license.MsgTransferLicenses.fromPartial({ owner: X, ids: [l3], to: a.other })));
  assert.equal((await lic(l3)).owner, a.other);

  // What a devnet cannot carry out: refused by the module, after the signature was accepted.
  await refused(a, porMsg("MsgAnswerChallenge", por.MsgAnswerChallenge.fromPartial({
    operator: X, challengeId: 999_999n, proof: { nonce: 3, indexes: Uint8Array.from({ length: 13 }, (_, i) => (i * 37 + 251) % 256) },
  })), /challenge 999999/);
  await refused(a, porMsg("MsgRetryPayout", por.MsgRetryPayout.fromPartial({ signer: X, ids: [entry.id] })), /is not set aside/);
  await refused(a, licenseMsg("MsgRedeemLicenses", license.MsgRedeemLicenses.fromPartial({ owner: X, ids: [l2] })), /redemption opens on MAINNET/);
  await refused(a, licenseMsg("MsgRetrySettlement", license.MsgRetrySettlement.fromPartial({ signer: X, ids: [l2] })), /has no stuck settlement/);
  // The gov account signs these (inside a proposal); signed by X, the module refuses X.
  const { params: porParams } = await q.por.params({});
  const { params: licenseParams } = await q.license.params({});
  await refused(a, porMsg("MsgSlashNode", por.MsgSlashNode.fromPartial({
    authority: X, operator: X, fraction: decToProto("0.05"), reason: "amino <test> & co",
  })), new RegExp(`expected \\w+, got ${X}`));
  await refused(a, porMsg("MsgUpdateParams", por.MsgUpdateParams.fromPartial({ authority: X, params: porParams })), new RegExp(`expected \\w+, got ${X}`));
  await refused(a, licenseMsg("MsgUpdateParams", license.MsgUpdateParams.fromPartial({ authority: X, params: licenseParams })), new RegExp(`expected \\w+, got ${X}`));

  // Rewards: the validator-bound license's staking rewards, and the node's, once the day of
  // its report has ticked.
  await waitFor(`license rewards of ${a.flavor}'s validator-bound license`, 60_000, async () => BigInt((await q.license.rewards({ owner: X })).amount || "0") > 0n);
  await deliver(a, licenseMsg("MsgClaimLicenseRewards", license.MsgClaimLicenseRewards.fromPartial({ owner: X })));
  await deliver(a, licenseMsg("MsgUnbind", license.MsgUnbind.fromPartial({ signer: X, ids: [l2] })));
  const lic2 = await lic(l2);
  assert.equal(lic2.binding!.kind, license.BindingKind.BINDING_NONE);
  assert.ok(lic2.unbondingUntil, "its stake is unbonding from the validator");

  await waitFor(`rewards of ${a.flavor}'s node (report of day ${day})`, (2 * DAY_SECONDS + 30) * 1000, async () => BigInt((await q.por.rewards({ operator: X })).total) > 0n);
  const claimed = await deliver(a, porMsg("MsgClaimRewards", por.MsgClaimRewards.fromPartial({ operator: X })));
  const paid = response(claimed, por.MsgClaimRewardsResponse).amount;
  assert.equal(paid.length, 1);
  assert.ok(BigInt(paid[0].amount) > 0n);
  t.diagnostic(`${a.flavor}: node ${X} reported on day ${day}, claimed ${paid[0].amount}${DENOM} to ${a.other}; licenses ${l1}-${l3}`);
}

test("every Aegis Msg is accepted signed both ways: DIRECT, and LEGACY_AMINO_JSON through aegisAminoTypes()", async (t) => {
  const aliceMnemonic = keyFile("alice").mnemonic;
  const actors: Actor[] = [];
  for (const flavor of ["direct", "amino"] as const) {
    const s = await newSigner(flavor, keyFile(ACTOR_KEYS[flavor]).mnemonic);
    const other = (await newSigner("direct")).address; // a new address: it never signs
    const alice = flavor === "direct" ? { flavor, address: keys.alice.address, client: keys.alice.client } : await newSigner(flavor, aliceMnemonic);
    assert.equal(alice.address, keys.alice.address);
    actors.push({ ...s, other, alice });
  }
  const { params } = await q.por.params({});
  const minStake = BigInt(params!.roles[0].minStake);
  const { validators } = await QueryClient.withExtensions(comet!, setupStakingExtension).staking.validators("BOND_STATUS_BONDED");
  assert.equal(validators.length, 1);

  // Alice (the license authority) mints three licenses to each, signing the same way.
  const licenses: bigint[][] = [];
  for (const a of actors) {
    const minted = await deliver(a.alice, licenseMsg("MsgMintLicenses", license.MsgMintLicenses.fromPartial({ authority: a.alice.address, owner: a.address, count: 3n })));
    const first = BigInt(eventAttrs(minted, "aegis.license.v1.EventLicensesMinted").first_id as string);
    licenses.push([first, first + 1n, first + 2n]);
    assert.equal((await q.license.license({ id: first + 2n })).license!.owner, a.address);
  }

  // The check is real: amino JSON one field off what the chain computes fails the signature.
  const skewed = aegisAminoConverters()["/aegis.por.v1.MsgClaimRewards"];
  const amino = actors.find((a) => a.flavor === "amino")!;
  const liar = await SigningStargateClient.createWithSigner(comet!, await newWallet("amino", keyFile(ACTOR_KEYS.amino).mnemonic), {
    registry: aegisRegistry(),
    aminoTypes: new AminoTypes({
      "/aegis.por.v1.MsgClaimRewards": { ...skewed, toAmino: (v: unknown) => ({ ...skewed.toAmino(v), extra: "1" }) },
    }),
    broadcastPollIntervalMs: 250,
  });
  await assert.rejects(
    liar.signAndBroadcast(amino.address, [porMsg("MsgClaimRewards", { operator: amino.address })], calculateFee(200_000, GAS_PRICE)),
    /signature verification failed/,
  );

  // The two journeys at once: their accounts are independent.
  await Promise.all(actors.map((a, i) => journey(t, a, licenses[i], minStake, validators[0].operatorAddress)));

  for (const [url] of aegisTypes) {
    assert.deepEqual([...(accepted.get(url) ?? [])].sort(), ["amino", "direct"], `${url} signed both ways`);
  }
  refusals.sort().forEach((r) => t.diagnostic(r));
  passedTests++;
});
