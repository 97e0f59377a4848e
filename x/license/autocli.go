package license

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/aegis-chain/aegis/x/license/types"
)

// AutoCLIOptions builds `aegisd q license ...` and `aegisd tx license ...`.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	ids := &autocliv1.PositionalArgDescriptor{ProtoField: "ids", Varargs: true}
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "License parameters (stage, authority, stake equivalent, ...)"},
				{RpcMethod: "License", Use: "license [id]", Short: "A license with its current backing",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}}},
				{RpcMethod: "Licenses", Use: "licenses", Short: "Licenses, filtered by --owner, --operator, --validator or --bound-node",
					// --node is the RPC endpoint flag of every query.
					FlagOptions: map[string]*autocliv1.FlagOptions{"node": {Name: "bound-node", Usage: "resource node the licenses are bound to"}}},
				{RpcMethod: "Supply", Use: "supply", Short: "Minted ever, active, liquidated, redeemed and the cap"},
				{RpcMethod: "Commitment", Use: "commitment", Short: "SHA-256 over the sorted license set (equal on testnet and mainnet)"},
				{RpcMethod: "Settlements", Use: "settlements", Short: "Licenses whose stake came back and awaits settlement (--stuck-only: those no longer retried)"},
				{RpcMethod: "Rewards", Use: "rewards [owner]", Short: "Staking rewards all the owner's licenses would claim (x/distribution owes them to each license's account, not to the owner)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner"}}},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Msg_serviceDesc.ServiceName,
			EnhanceCustomCommand: true, // adds these to GetTxCmd's claim-rewards
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "MintLicenses", Use: "mint [owner] [count]", Short: "Mint licenses (license authority, TESTNET only); sign with --from <authority>",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner"}, {ProtoField: "count"}}},
				{RpcMethod: "TransferLicenses", Use: "transfer [to] [ids...]", Short: "Transfer licenses (not those backing a node); a validator-bound one stays bound and its rewards follow the owner",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "to"}, ids}},
				{RpcMethod: "AuthorizeOperator", Use: "authorize-operator [operator] [ids...]", Short: "Let an operator bind and unbind licenses",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "operator"}, ids}},
				{RpcMethod: "RevokeOperator", Use: "revoke-operator [ids...]", Short: "Clear the licenses' operator",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{ids}},
				{RpcMethod: "BindToValidator", Use: "bind-validator [validator] [ids...]", Short: "Delegate stake_equivalent per license to a validator",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "validator"}, ids}},
				{RpcMethod: "BindToNode", Use: "bind-node [node] [ids...]", Short: "Count the licenses as a resource node's stake",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "node"}, ids}},
				{RpcMethod: "Unbind", Use: "unbind [ids...]", Short: "End the licenses' bindings", PositionalArgs: []*autocliv1.PositionalArgDescriptor{ids}},
				{RpcMethod: "RetrySettlement", Use: "retry-settlement [ids...]", Short: "Settle stuck settlements once their cause is fixed (anyone may send it)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{ids}},
				{RpcMethod: "RedeemLicenses", Use: "redeem [ids...]", Short: "Burn licenses for their backing each (MAINNET, after the upgrade)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{ids}},
				{RpcMethod: "ClaimLicenseRewards", Skip: true}, // client/cli: simulated first, its fee checked against the payout
				{RpcMethod: "UpdateParams", Skip: true},        // governance only
			},
		},
	}
}
