package main

import (
	"fmt"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// The load keys are derived from fixed secrets, so `genesis` (which funds them) and `run`
// (which signs with them) agree without sharing a keyring. They are public test keys.

// nodeKey is resource node i's operator key: funded at genesis, registers, reports, sends.
func nodeKey(i int) *secp256k1.PrivKey {
	return secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("aegis-load/node/%d", i)))
}

// hotKey is node i's hot key: it sends the node's reports through authz MsgExec, paying
// with the operator's fee allowance, as aegis-node does.
func hotKey(i int) *secp256k1.PrivKey {
	return secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("aegis-load/hot/%d", i)))
}

func addrOf(k *secp256k1.PrivKey) sdk.AccAddress { return sdk.AccAddress(k.PubKey().Address()) }

// nodeRole spreads the nodes over the roles in the proportion of their mainnet slot caps:
// of every 207 nodes, 100 WORKER, 100 DELEGATE, 1 DA, 5 SEQUENCER and 1 OPERATOR (the
// 207,000-slot network). Any n up to 207,000 fits every cap.
func nodeRole(i int) portypes.NodeRole {
	switch k := i % 207; {
	case k < 100:
		return portypes.NODE_ROLE_WORKER
	case k < 200:
		return portypes.NODE_ROLE_DELEGATE
	case k < 201:
		return portypes.NODE_ROLE_DA
	case k < 206:
		return portypes.NODE_ROLE_SEQUENCER
	default:
		return portypes.NODE_ROLE_OPERATOR
	}
}

// reportResources meet every role's minimums and reach the PoR cap (eff 300) in every
// role with the default parameters.
var reportResources = portypes.Resources{Compute: 200, Storage: 200, Bandwidth: 200}

func reportMsg(op sdk.AccAddress, role portypes.NodeRole) *portypes.MsgSubmitReport {
	return &portypes.MsgSubmitReport{Operator: op.String(), Totals: reportResources,
		Parts: []portypes.RolePart{{Role: role, Resources: reportResources}}}
}
