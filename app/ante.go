package app

import (
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	"github.com/cosmos/cosmos-sdk/x/auth/posthandler"
)

func (app *App) setAnteHandler() error {
	h, err := ante.NewAnteHandler(ante.HandlerOptions{
		AccountKeeper:   app.AccountKeeper,
		BankKeeper:      app.BankKeeper,
		FeegrantKeeper:  app.FeeGrantKeeper,
		SignModeHandler: app.txConfig.SignModeHandler(),
		SigGasConsumer:  ante.DefaultSigVerificationGasConsumer,
	})
	if err != nil {
		return err
	}
	app.SetAnteHandler(h)
	return nil
}

func (app *App) setPostHandler() error {
	h, err := posthandler.NewPostHandler(posthandler.HandlerOptions{})
	if err != nil {
		return err
	}
	app.SetPostHandler(h)
	return nil
}
