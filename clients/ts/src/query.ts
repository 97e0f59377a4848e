import { createProtobufRpcClient, QueryClient } from "@cosmjs/stargate";
import { Comet38Client, CometClient, HttpEndpoint } from "@cosmjs/tendermint-rpc";

import { QueryClientImpl as EmissionQueryClient } from "./generated/aegis/emission/v1/query";
import { QueryClientImpl as LicenseQueryClient } from "./generated/aegis/license/v1/query";
import { QueryClientImpl as PorQueryClient } from "./generated/aegis/por/v1/query";

export { EmissionQueryClient, LicenseQueryClient, PorQueryClient };

/** The typed query clients of the three Aegis modules. */
export interface AegisQueryClients {
  /** aegis.emission.v1.Query: params, status, schedule, day. */
  readonly emission: EmissionQueryClient;
  /** aegis.por.v1.Query: params, node, nodes, role, roleDay, rewards, challenges, setAsidePayouts, estimate. */
  readonly por: PorQueryClient;
  /** aegis.license.v1.Query: params, license, licenses, supply, commitment, settlements, rewards. */
  readonly license: LicenseQueryClient;
}

/** What the generated QueryClientImpls call: one unary gRPC method, protobuf in and out. */
export interface ProtobufRpc {
  request(service: string, method: string, data: Uint8Array): Promise<Uint8Array>;
}

/** Query clients over any protobuf RPC (e.g. @cosmjs/stargate's createProtobufRpcClient). */
export function aegisQueryClientsFromRpc(rpc: ProtobufRpc): AegisQueryClients {
  return {
    emission: new EmissionQueryClient(rpc),
    por: new PorQueryClient(rpc),
    license: new LicenseQueryClient(rpc),
  };
}

/** Options of {@link aegisQueryClients}. */
export interface AegisQueryOptions {
  /**
   * Answer from the state after this block instead of the latest one (an ABCI query at a
   * height; the node must still have that state, i.e. not pruned it).
   */
  readonly height?: number;
}

/**
 * Typed query clients for emission, por and license over a CometBFT RPC connection (ABCI
 * queries, as CosmJS's own query extensions do):
 *
 *   const comet = await connectAegisComet("http://localhost:26657");
 *   const q = aegisQueryClients(comet);
 *   const { currentDay, daysIssued } = await q.emission.status({});
 *   const { total } = await q.por.rewards({ operator });
 *
 * Pass a QueryClient to share one, and { height } to read an earlier block's state.
 */
export function aegisQueryClients(client: CometClient | QueryClient, options: AegisQueryOptions = {}): AegisQueryClients {
  const base = client instanceof QueryClient ? client : new QueryClient(client);
  const { height } = options;
  if (height === undefined) return aegisQueryClientsFromRpc(createProtobufRpcClient(base));
  if (!Number.isSafeInteger(height) || height <= 0) throw new Error(`aegisQueryClients: bad height ${height}`);
  return aegisQueryClientsFromRpc({
    request: async (service, method, data) => (await base.queryAbci(`/${service}/${method}`, data, height)).value,
  });
}

/** The extension {@link setupAegisExtension} adds to a QueryClient. */
export interface AegisExtension {
  readonly aegis: AegisQueryClients;
}

/**
 * A CosmJS query extension, to combine the Aegis queries with CosmJS's own:
 *
 *   const q = QueryClient.withExtensions(comet, setupBankExtension, setupAegisExtension);
 *   await q.bank.balance(address, "uaegis");
 *   await q.aegis.emission.status({});
 */
export function setupAegisExtension(base: QueryClient): AegisExtension {
  return { aegis: aegisQueryClients(base) };
}

/**
 * Connects to an Aegis node's CometBFT RPC (http://host:26657).
 *
 * Use this (with SigningStargateClient.createWithSigner / StargateClient.create /
 * QueryClient.withExtensions) rather than CosmJS's connectWithSigner / connect / connectComet:
 * those pick a client by the node's CometBFT version string, which for Aegis ("0.39.x") is
 * newer than the versions CosmJS (0.39) knows, so they fall back to the Tendermint 0.37
 * client. Txs, queries and searches work through it, but it reads block results the 0.37
 * way and silently drops their finalize_block events: the day ticks' events
 * (aegis.emission.v1.EventDayIssued, aegis.por.v1.EventRoleDay, ...) never show. Aegis nodes
 * speak the CometBFT 0.38 RPC: this connects CosmJS's Comet38Client.
 */
export async function connectAegisComet(endpoint: string | HttpEndpoint): Promise<Comet38Client> {
  return Comet38Client.connect(endpoint);
}
