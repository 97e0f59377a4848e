package emission

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/aegis-chain/aegis/x/emission/types"
)

// AutoCLIOptions builds `aegisd q emission ...` from the Query service.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "The emission schedule parameters"},
				{RpcMethod: "Status", Use: "status", Short: "Current day and epoch, days and total issued, the next day's end and amount"},
				{RpcMethod: "Schedule", Use: "schedule", Short: "Every epoch's first and last day, total and daily amount"},
				{
					RpcMethod: "Day", Use: "day [day]", Short: "The amount and cumulative total of a day (1..last day)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "day"}},
				},
			},
		},
	}
}
