package por

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/aegis-chain/aegis/x/por/types"
)

// AutoCLIOptions builds `aegisd q por ...` and `aegisd tx por ...` from the services.
// Roles are spelled worker, delegate, da, sequencer, operator (see types/roles.go).
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "The PoR parameters of every role"},
				{RpcMethod: "Node", Use: "node [operator]", Short: "A node: roles, stake, latest report and per-role PoR",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "operator"}}},
				{RpcMethod: "Nodes", Use: "nodes", Short: "Registered nodes, or with --role only those holding a slot in the role"},
				{RpcMethod: "Role", Use: "role [role]", Short: "A role: slot cap, slots held, active count, high-water mark, reserve, total eff, next pool, index",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "role"}}},
				{RpcMethod: "RoleDay", Use: "role-day [role] [day]", Short: "The recorded tick of a role on a day (the public receipt)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "role"}, {ProtoField: "day"}}},
				{RpcMethod: "Rewards", Use: "rewards [operator]", Short: "Pending rewards per role: what claim would pay now",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "operator"}}},
				{RpcMethod: "Estimate", Use: "estimate [role]", Short: "PoR and daily reward of a node with --compute, --storage, --bandwidth",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "role"}}},
				{RpcMethod: "Challenge", Use: "challenge [id]", Short: "A liveness or storage challenge: its report, deadline, leaves and outcome",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}}},
				{RpcMethod: "Challenges", Use: "challenges [operator]", Short: "A node's challenges, newest first (--pending for those still open)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "operator"}}},
				{RpcMethod: "ChallengeDay", Use: "challenge-day [day]", Short: "A day's sampling receipt (seed, candidates) and the challenges it issued",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "day"}}},
				{RpcMethod: "SetAsidePayouts", Use: "set-aside-payouts", Short: "Unbonding payouts that failed too often to be retried by the chain (--operator for one node's); tx por retry-payout pays them"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Msg_serviceDesc.ServiceName,
			EnhanceCustomCommand: true, // adds these to GetTxCmd's report and claim
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "RegisterNode", Use: "register [moniker] [stake] --roles worker --roles da", Short: "Register this key as a resource node, escrowing stake",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "moniker"}, {ProtoField: "stake"}}},
				{RpcMethod: "ActivateRole", Use: "activate-role [role]", Short: "Take a slot in one more role",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "role"}}},
				{RpcMethod: "DeactivateRole", Use: "deactivate-role [role]", Short: "Free a role's slot (settles its rewards)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "role"}}},
				{RpcMethod: "AddStake", Use: "add-stake [amount]", Short: "Escrow more stake",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "amount"}}},
				{RpcMethod: "UnbondStake", Use: "unbond-stake [amount]", Short: "Unbond stake; it is paid after unbonding_days",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "amount"}}},
				{RpcMethod: "SetWithdrawAddress", Use: "set-withdraw-address [address]", Short: "Set where claimed rewards go",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "withdraw_address"}}},
				{RpcMethod: "RetryPayout", Use: "retry-payout [ids...]", Short: "Pay set-aside unbonding entries once their cause is fixed (anyone may send it)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "ids", Varargs: true}}},
				{RpcMethod: "SetReporter", Skip: true},     // client/cli: --fund in the same transaction
				{RpcMethod: "SubmitReport", Skip: true},    // client/cli: roles as users spell them, simulated first
				{RpcMethod: "ClaimRewards", Skip: true},    // client/cli: simulated first
				{RpcMethod: "AnswerChallenge", Skip: true}, // aegis-node answers from its dataset
				{RpcMethod: "SlashNode", Skip: true},       // governance only
				{RpcMethod: "UpdateParams", Skip: true},    // governance only
			},
		},
	}
}
