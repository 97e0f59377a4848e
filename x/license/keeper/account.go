package keeper

import (
	"context"

	gogoproto "github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// A license's stake account is a module account of x/license, created when the license is
// minted or imported. Its address is known in advance (license ids are sequential), so
// anyone could create an account there first — a vesting account holding 1 locked uaegis
// would make the settlement's transfer of the whole balance fail forever. Whatever is
// found there that is not the license's module account is replaced by it, keeping its
// account number, and any tokens it held are paid to the owner (at once, unless stake that
// came back awaits settlement there: then the settlement pays the owner what is not stake).

// ensureStakeAccount makes the account of license l the license's module account.
func (k Keeper) ensureStakeAccount(ctx context.Context, l types.License) error {
	id := l.Id
	addr, name := types.LicenseAccount(id), types.StakeAccountName(id)
	acc := k.ak.GetAccount(ctx, addr)
	if acc == nil {
		k.ak.SetAccount(ctx, k.ak.NewAccount(ctx, authtypes.NewEmptyModuleAccount(name)))
		return nil
	}
	if ma, ok := acc.(sdk.ModuleAccountI); ok && ma.GetName() == name {
		return nil
	}
	kind := "/" + gogoproto.MessageName(acc)
	k.ak.SetAccount(ctx, authtypes.NewModuleAccount(authtypes.NewBaseAccount(addr, nil, acc.GetAccountNumber(), acc.GetSequence()), name))
	var swept sdk.Coins
	if l.Settlement == nil {
		swept = k.bank.GetAllBalances(ctx, addr)
	}
	if !swept.IsZero() {
		to, err := sdk.AccAddressFromBech32(l.Owner)
		if err != nil {
			return err
		}
		if err := k.bank.SendCoins(ctx, addr, to, swept); err != nil {
			return err
		}
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventStakeAccountReclaimed{
		Id: id, Account: addr.String(), Kind: kind, Swept: swept,
	})
}
