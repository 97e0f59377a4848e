package keeper_test

import (
	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

func abciEvent(ev sdk.Event) abci.Event { return abci.Event(ev) }
