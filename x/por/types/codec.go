package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the messages for amino JSON signing (ledger).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgRegisterNode{}, "aegis/por/MsgRegisterNode")
	legacy.RegisterAminoMsg(cdc, &MsgActivateRole{}, "aegis/por/MsgActivateRole")
	legacy.RegisterAminoMsg(cdc, &MsgDeactivateRole{}, "aegis/por/MsgDeactivateRole")
	legacy.RegisterAminoMsg(cdc, &MsgAddStake{}, "aegis/por/MsgAddStake")
	legacy.RegisterAminoMsg(cdc, &MsgUnbondStake{}, "aegis/por/MsgUnbondStake")
	legacy.RegisterAminoMsg(cdc, &MsgSetWithdrawAddress{}, "aegis/por/MsgSetWithdrawAddress")
	legacy.RegisterAminoMsg(cdc, &MsgSubmitReport{}, "aegis/por/MsgSubmitReport")
	legacy.RegisterAminoMsg(cdc, &MsgClaimRewards{}, "aegis/por/MsgClaimRewards")
	legacy.RegisterAminoMsg(cdc, &MsgAnswerChallenge{}, "aegis/por/MsgAnswerChallenge")
	legacy.RegisterAminoMsg(cdc, &MsgSlashNode{}, "aegis/por/MsgSlashNode")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "aegis/por/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgRetryPayout{}, "aegis/por/MsgRetryPayout")
	legacy.RegisterAminoMsg(cdc, &MsgSetReporter{}, "aegis/por/MsgSetReporter")
}

// RegisterInterfaces registers the messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterNode{}, &MsgActivateRole{}, &MsgDeactivateRole{}, &MsgAddStake{},
		&MsgUnbondStake{}, &MsgSetWithdrawAddress{}, &MsgSubmitReport{}, &MsgClaimRewards{},
		&MsgSlashNode{}, &MsgUpdateParams{}, &MsgAnswerChallenge{}, &MsgRetryPayout{}, &MsgSetReporter{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
