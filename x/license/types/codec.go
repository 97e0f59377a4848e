package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the messages for amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgMintLicenses{}, "aegis/license/MsgMintLicenses")
	legacy.RegisterAminoMsg(cdc, &MsgTransferLicenses{}, "aegis/license/MsgTransferLicenses")
	legacy.RegisterAminoMsg(cdc, &MsgAuthorizeOperator{}, "aegis/license/MsgAuthorizeOperator")
	legacy.RegisterAminoMsg(cdc, &MsgRevokeOperator{}, "aegis/license/MsgRevokeOperator")
	legacy.RegisterAminoMsg(cdc, &MsgBindToValidator{}, "aegis/license/MsgBindToValidator")
	legacy.RegisterAminoMsg(cdc, &MsgBindToNode{}, "aegis/license/MsgBindToNode")
	legacy.RegisterAminoMsg(cdc, &MsgUnbind{}, "aegis/license/MsgUnbind")
	legacy.RegisterAminoMsg(cdc, &MsgRedeemLicenses{}, "aegis/license/MsgRedeemLicenses")
	legacy.RegisterAminoMsg(cdc, &MsgClaimLicenseRewards{}, "aegis/license/MsgClaimLicenseRewards")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "aegis/license/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgRetrySettlement{}, "aegis/license/MsgRetrySettlement")
}

// RegisterInterfaces registers the messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgMintLicenses{}, &MsgTransferLicenses{}, &MsgAuthorizeOperator{}, &MsgRevokeOperator{},
		&MsgBindToValidator{}, &MsgBindToNode{}, &MsgUnbind{}, &MsgRedeemLicenses{},
		&MsgClaimLicenseRewards{}, &MsgUpdateParams{}, &MsgRetrySettlement{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
