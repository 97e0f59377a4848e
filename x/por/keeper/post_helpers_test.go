package keeper_test

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/testutil/posttest"
	"github.com/aegis-chain/aegis/x/por/post"
	"github.com/aegis-chain/aegis/x/por/types"
)

// datasetLabels derives op's dataset for role as an honest aegis-node keeps it.
func datasetLabels(op sdk.AccAddress, role types.NodeRole, ds types.Dataset) [][post.LabelSize]byte {
	return posttest.Labels(op, role, ds)
}

// scan proves c from labels (a zero label stands for a deleted one).
func scan(c types.Challenge, _ sdk.AccAddress, labels [][post.LabelSize]byte) (*types.StorageProof, bool) {
	return posttest.Scan(c, labels)
}
