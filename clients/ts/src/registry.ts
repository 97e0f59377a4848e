import { GeneratedType, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";

import * as license from "./generated/aegis/license/v1/tx";
import * as por from "./generated/aegis/por/v1/tx";

/** The type URL of a message of an Aegis proto package: "/aegis.por.v1.MsgSubmitReport". */
function urls(pkg: string, types: Record<string, GeneratedType>): Array<[string, GeneratedType]> {
  return Object.entries(types).map(([name, type]) => [`/${pkg}.${name}`, type]);
}

/**
 * Every Msg of aegis.por.v1 (the resource-node transactions), with its type URL. MsgSlashNode
 * and MsgUpdateParams are signed by the gov module account: they go inside a
 * cosmos.gov.v1.MsgSubmitProposal.
 */
export const porTypes: ReadonlyArray<[string, GeneratedType]> = urls("aegis.por.v1", {
  MsgRegisterNode: por.MsgRegisterNode,
  MsgActivateRole: por.MsgActivateRole,
  MsgDeactivateRole: por.MsgDeactivateRole,
  MsgAddStake: por.MsgAddStake,
  MsgUnbondStake: por.MsgUnbondStake,
  MsgSetWithdrawAddress: por.MsgSetWithdrawAddress,
  MsgSetReporter: por.MsgSetReporter,
  MsgSubmitReport: por.MsgSubmitReport,
  MsgClaimRewards: por.MsgClaimRewards,
  MsgAnswerChallenge: por.MsgAnswerChallenge,
  MsgSlashNode: por.MsgSlashNode,
  MsgUpdateParams: por.MsgUpdateParams,
  MsgRetryPayout: por.MsgRetryPayout,
});

/**
 * Every Msg of aegis.license.v1, with its type URL. MsgMintLicenses is signed by the license
 * authority (TESTNET only), MsgUpdateParams by the gov module account.
 */
export const licenseTypes: ReadonlyArray<[string, GeneratedType]> = urls("aegis.license.v1", {
  MsgMintLicenses: license.MsgMintLicenses,
  MsgTransferLicenses: license.MsgTransferLicenses,
  MsgAuthorizeOperator: license.MsgAuthorizeOperator,
  MsgRevokeOperator: license.MsgRevokeOperator,
  MsgBindToValidator: license.MsgBindToValidator,
  MsgBindToNode: license.MsgBindToNode,
  MsgUnbind: license.MsgUnbind,
  MsgRedeemLicenses: license.MsgRedeemLicenses,
  MsgClaimLicenseRewards: license.MsgClaimLicenseRewards,
  MsgUpdateParams: license.MsgUpdateParams,
  MsgRetrySettlement: license.MsgRetrySettlement,
});

/** Every Aegis Msg type (aegis.por.v1 and aegis.license.v1; aegis.emission.v1 has none). */
export const aegisTypes: ReadonlyArray<[string, GeneratedType]> = [...porTypes, ...licenseTypes];

/**
 * A CosmJS Registry of the default Stargate Msg types (bank, staking, distribution, gov, ...)
 * and every Aegis Msg, for SIGN_MODE_DIRECT signing:
 *
 *   await SigningStargateClient.createWithSigner(comet, wallet, { registry: aegisRegistry(), gasPrice })
 *
 * For amino signers (SIGN_MODE_LEGACY_AMINO_JSON: Ledger, Keplr's amino signer,
 * Secp256k1HdWallet) pass aegisAminoTypes() as the aminoTypes option too.
 */
export function aegisRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, ...aegisTypes]);
}
