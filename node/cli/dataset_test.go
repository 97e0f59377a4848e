package cli

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/config"
	"github.com/aegis-chain/aegis/node/dataset"
	"github.com/aegis-chain/aegis/node/probe"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// challenge is the chain's challenge params with the given label cost and unit size.
func challenge(on bool, scryptN uint32, perUnit uint64) *portypes.ChallengeParams {
	cp := portypes.DefaultChallengeParams()
	cp.Storage.LabelScryptN, cp.Storage.LabelsPerStorageUnit = scryptN, perUnit
	if on {
		cp.ChallengesPerDay = 10
	}
	return &cp
}

// twoRoles is a config giving storage to the worker and the da roles, and none to the
// sequencer.
func twoRoles() config.Config {
	c := config.Default()
	c.Roles = []config.RoleShare{{Role: "worker", Compute: 50, Storage: 60, Bandwidth: 50}, {Role: "da", Compute: 30, Storage: 40, Bandwidth: 30},
		{Role: "sequencer", Compute: 20, Storage: 0, Bandwidth: 20}}
	return c
}

// measured is a storage split of units of storage that counts its calls.
func measured(cfg config.Config, units uint64, calls *int) roleStorage {
	return func(roles []portypes.NodeRole) ([]portypes.RolePart, error) {
		*calls++
		_, parts, err := splitRoles(cfg, probeUnits(units), roles)
		return parts, err
	}
}

func TestResolveTargets(t *testing.T) {
	cfg := twoRoles()
	var calls int
	// Challenges on, no flags: the chain's params, the roles config.toml gives storage, their
	// measured shares and the reporter's nonce.
	tg, err := resolveTargets(cfg, challenge(true, 8, 2048), nil, nil, 4, datasetFlags{}, measured(cfg, 10, &calls))
	require.NoError(t, err)
	require.Equal(t, 1, calls)
	require.True(t, tg.ChainOn)
	require.True(t, tg.ChainUses)
	require.Equal(t, uint64(4), tg.Nonce)
	require.Equal(t, []datasetTarget{
		{Role: "worker", Storage: 6, Dataset: "worker-n4-s8", Labels: 6 * 2048, DiskBytes: 6 * 2048 * 16, Key: dataset.Key{Role: portypes.NODE_ROLE_WORKER, Nonce: 4, ScryptN: 8}},
		{Role: "da", Storage: 4, Dataset: "da-n4-s8", Labels: 4 * 2048, DiskBytes: 4 * 2048 * 16, Key: dataset.Key{Role: portypes.NODE_ROLE_DA, Nonce: 4, ScryptN: 8}},
	}, tg.Targets)
	require.Empty(t, tg.Notes)

	// The roles the node holds on chain narrow config.toml's.
	tg, err = resolveTargets(cfg, challenge(true, 8, 2048), nil, []portypes.NodeRole{portypes.NODE_ROLE_DA}, 4, datasetFlags{}, measured(cfg, 10, &calls))
	require.NoError(t, err)
	require.Len(t, tg.Targets, 1)
	require.Equal(t, "da", tg.Targets[0].Role)

	// Flags override the chain's, with notes that the reporter will not use them.
	calls = 0
	tg, err = resolveTargets(cfg, challenge(true, 8, 2048), nil, nil, 4, datasetFlags{ScryptN: 16, Nonce: 9, NonceSet: true, Storage: 3, Roles: []string{"worker"}}, measured(cfg, 10, &calls))
	require.NoError(t, err)
	require.Zero(t, calls, "--storage skips the measurement")
	require.False(t, tg.ChainUses)
	require.Equal(t, []datasetTarget{{Role: "worker", Storage: 3, Dataset: "worker-n9-s16", Labels: 3 * 2048, DiskBytes: 3 * 2048 * 16,
		Key: dataset.Key{Role: portypes.NODE_ROLE_WORKER, Nonce: 9, ScryptN: 16}}}, tg.Targets)
	require.Len(t, tg.Notes, 3, "nonce, params and storage: %v", tg.Notes)

	// Challenges off: the chain's storage params stand, with a note.
	tg, err = resolveTargets(cfg, challenge(false, 8, 2048), nil, nil, 0, datasetFlags{}, measured(cfg, 10, &calls))
	require.NoError(t, err)
	require.False(t, tg.ChainOn)
	require.Contains(t, strings.Join(tg.Notes, "\n"), "challenges are off")

	// The chain unreadable: the flags are required, and the error says why.
	_, err = resolveTargets(cfg, nil, errors.New("connection refused"), nil, 0, datasetFlags{}, measured(cfg, 10, &calls))
	require.ErrorContains(t, err, "connection refused")
	require.ErrorContains(t, err, "--scrypt-n")
	_, err = resolveTargets(cfg, nil, errors.New("connection refused"), nil, 0, datasetFlags{ScryptN: 2, LabelsPerUnit: 2048}, measured(cfg, 10, &calls))
	require.NoError(t, err)

	// Nothing to build, bad params, or too much.
	_, err = resolveTargets(cfg, challenge(true, 8, 2048), nil, nil, 0, datasetFlags{}, measured(cfg, 0, &calls))
	require.ErrorContains(t, err, "no role declares storage")
	_, err = resolveTargets(cfg, challenge(true, 8, 2048), nil, nil, 0, datasetFlags{}, func([]portypes.NodeRole) ([]portypes.RolePart, error) { return nil, errors.New("probe failed") })
	require.ErrorContains(t, err, "probe failed")
	_, err = resolveTargets(cfg, challenge(true, 8, 1<<30), nil, nil, 0, datasetFlags{Storage: 1 << 20}, nil)
	require.ErrorContains(t, err, "more than a dataset may hold")
	_, err = resolveTargets(cfg, challenge(true, 8, 2048), nil, nil, 0, datasetFlags{ScryptN: 3}, nil)
	require.ErrorContains(t, err, "--scrypt-n")
	_, err = resolveTargets(cfg, challenge(true, 8, 2048), nil, []portypes.NodeRole{portypes.NODE_ROLE_SEQUENCER}, 0, datasetFlags{}, nil)
	require.ErrorContains(t, err, "--roles")
}

// TestBuildDatasetsResumeThenReuse: a build cut short resumes where it stopped, puts the
// datasets where the reporter looks, and a second run finds them built; status follows.
func TestBuildDatasetsResumeThenReuse(t *testing.T) {
	cfg := twoRoles()
	env := datasetEnv{cfg: cfg, store: dataset.NewStore(filepath.Join(t.TempDir(), dataset.DirName), sdk.AccAddress("operator-address-20b")),
		cp: challenge(true, 2, 8192)}
	var calls int
	tg, err := resolveTargets(cfg, env.cp, nil, nil, 0, datasetFlags{}, measured(cfg, 10, &calls))
	require.NoError(t, err)

	st := datasetStatus(env, datasetFlags{}, 0, measured(cfg, 10, &calls))
	require.False(t, st.Ready)
	require.Len(t, st.Roles, 2)
	require.Contains(t, st.Roles[0].Problem, "dataset missing")

	ctx, cancel := context.WithCancel(context.Background())
	env.store.ProgressEvery = time.Millisecond
	var log bytes.Buffer
	go func() {
		for ctx.Err() == nil {
			if m, err := env.store.Meta(tg.Targets[0].Key); err == nil && m.Built > 0 {
				cancel()
			}
			time.Sleep(time.Millisecond)
		}
	}()
	_, err = buildDatasets(ctx, env.store, tg, &log, time.Millisecond)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "again to resume")
	require.Contains(t, log.String(), "building worker-n0-s2 (storage 6 × 8192 labels)")
	require.Contains(t, log.String(), "estimated")

	st = datasetStatus(env, datasetFlags{}, 0, measured(cfg, 10, &calls))
	require.False(t, st.Ready)
	require.Positive(t, st.Roles[0].Built)
	require.NotEmpty(t, st.Roles[0].Estimated)
	var out bytes.Buffer
	st.print(&out)
	require.Contains(t, out.String(), "left")

	res, err := buildDatasets(context.Background(), env.store, tg, &log, 0)
	require.NoError(t, err)
	require.Len(t, res.Built, 2)
	require.Positive(t, res.Built[0].Resumed, "resumed")
	require.False(t, res.Built[0].Already)
	require.NoError(t, env.store.Ready(tg.Targets[0].Key, tg.Targets[0].Labels)) // the reporter's lookup
	require.NoError(t, env.store.Ready(tg.Targets[1].Key, tg.Targets[1].Labels))

	again, err := buildDatasets(context.Background(), env.store, tg, &log, 0)
	require.NoError(t, err)
	require.True(t, again.Built[0].Already)
	require.True(t, again.Built[1].Already)

	st = datasetStatus(env, datasetFlags{}, 16, measured(cfg, 10, &calls))
	require.True(t, st.Ready, st.Verdict)
	require.Len(t, st.OnDisk, 2)
	require.Contains(t, st.Verdict, "reports declare these roles' storage")

	// A quarter of a dataset deleted: --check finds it.
	_, err = env.store.DeleteFraction(tg.Targets[1].Key, tg.Targets[1].Labels, 0.25, 1)
	require.NoError(t, err)
	st = datasetStatus(env, datasetFlags{}, 32, measured(cfg, 10, &calls))
	require.False(t, st.Ready)
	require.Contains(t, st.Roles[1].Problem, "dataset corrupt")

	// The chain now asks for another scrypt_n: status says none is built.
	env.cp = challenge(true, 4, 8192)
	st = datasetStatus(env, datasetFlags{}, 0, measured(cfg, 10, &calls))
	require.False(t, st.Ready)
	require.Contains(t, st.Verdict, "aegis-node dataset build")
}

func TestEstimateDatasets(t *testing.T) {
	cfg := twoRoles()
	env := datasetEnv{cfg: cfg, cp: challenge(true, 2, 8192)}
	e := estimateDatasets(env, datasetFlags{}, 2)
	require.Equal(t, uint32(2), e.ScryptN)
	require.Equal(t, 2, e.Cores)
	require.Positive(t, e.LabelMicros)
	require.Equal(t, int64(8192*16), e.DiskPerUnit)
	require.Positive(t, e.BuildPerUnit)
	require.Zero(t, e.Storage, "no store: per unit only")
	require.Positive(t, e.ScanMiBps)
	require.Equal(t, portypes.DefaultScanBytesPerBlock, int(e.ScanBytesPerBlock))

	env.store = dataset.NewStore(t.TempDir(), sdk.AccAddress("operator-address-20b"))
	e = estimateDatasets(env, datasetFlags{Storage: 3, ScryptN: 4}, 2)
	require.Equal(t, uint32(4), e.ScryptN)
	require.Equal(t, uint64(6), e.Storage, "3 units for each of the 2 roles with storage")
	require.Equal(t, int64(6*8192*16), e.DiskBytes)
	var out bytes.Buffer
	e.print(&out)
	require.Contains(t, out.String(), "the node's storage (6 units)")

	// Offline: the recommended params stand in.
	e = estimateDatasets(datasetEnv{chainErr: errors.New("down")}, datasetFlags{}, 1)
	require.Equal(t, portypes.DefaultStorageProofParams().LabelScryptN, e.ScryptN)
	require.Contains(t, strings.Join(e.Notes, "\n"), "down")
}

func probeUnits(storage uint64) probe.Units {
	return probe.Units{Compute: 10, Storage: storage, Bandwidth: 10}
}
