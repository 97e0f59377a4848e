// Package config is aegis-node's config.toml: where the chain is, which node it runs for,
// with which hot key, and how the machine's resources are shared across the node's roles.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// FileName is the config file inside the node's home.
const FileName = "config.toml"

// Config is aegis-node's configuration.
type Config struct {
	ChainID        string  `toml:"chain_id"`
	RPC            string  `toml:"rpc"`
	GRPC           string  `toml:"grpc"`
	Operator       string  `toml:"operator"`
	HotKey         string  `toml:"hot_key"`
	KeyringBackend string  `toml:"keyring_backend"`
	GasPrices      string  `toml:"gas_prices"`
	GasAdjustment  float64 `toml:"gas_adjustment"`
	// AutoClaimAbove claims the node's rewards once they exceed it (uaegis; 0: never).
	AutoClaimAbove uint64       `toml:"auto_claim_above"`
	Roles          []RoleShare  `toml:"roles"`
	Probe          ProbeConfig  `toml:"probe"`
	Listen         ListenConfig `toml:"listen"`
}

// RoleShare is the percentage of each resource a role gets in the node's reports.
type RoleShare struct {
	Role      string `toml:"role"`
	Compute   uint64 `toml:"compute"`
	Storage   uint64 `toml:"storage"`
	Bandwidth uint64 `toml:"bandwidth"`
}

// ProbeConfig says how the machine is measured.
type ProbeConfig struct {
	// DeclaredBandwidthMbps is used when bandwidth cannot be measured (no peer).
	DeclaredBandwidthMbps uint64 `toml:"declared_bandwidth_mbps"`
	// Peer, when set, is measured against for bandwidth (host:port).
	Peer string `toml:"peer"`
	// RemeasureHours is how old a measurement may be before the next report re-measures.
	RemeasureHours uint64 `toml:"remeasure_hours"`
}

// ListenConfig are the addresses `run` serves metrics and the status page on (empty: off).
type ListenConfig struct {
	Metrics string `toml:"metrics"`
	Status  string `toml:"status"`
}

// Default is the configuration `init` writes before its flags are applied.
func Default() Config {
	return Config{
		RPC: "http://localhost:26657", GRPC: "localhost:9090", HotKey: "aegis-node-hot", KeyringBackend: "test",
		GasPrices: "0.025uaegis", GasAdjustment: 1.5,
		Roles:  []RoleShare{{Role: "worker", Compute: 100, Storage: 100, Bandwidth: 100}},
		Probe:  ProbeConfig{RemeasureHours: 24},
		Listen: ListenConfig{Metrics: "127.0.0.1:26680", Status: "127.0.0.1:26681"},
	}
}

// Validate checks every field, in one sentence each with the fix.
func (c Config) Validate() error {
	var errs []error
	if c.ChainID == "" {
		errs = append(errs, errors.New("chain_id is empty: set it to the chain's id (aegisd status shows it)"))
	}
	if c.RPC == "" || c.GRPC == "" {
		errs = append(errs, errors.New("rpc and grpc must be set to the chain node's CometBFT RPC URL and gRPC address"))
	}
	if c.Operator != "" {
		if _, err := sdk.AccAddressFromBech32(c.Operator); err != nil {
			errs = append(errs, fmt.Errorf("operator %q is not an address: set it to the node's operator (the key that registered it): %v", c.Operator, err))
		}
	}
	if c.HotKey == "" {
		errs = append(errs, errors.New("hot_key is empty: name the key in the node's keyring that signs reports"))
	}
	if _, err := sdk.ParseDecCoins(c.GasPrices); err != nil || c.GasPrices == "" {
		errs = append(errs, fmt.Errorf("gas_prices %q is not a price like 0.025uaegis", c.GasPrices))
	}
	if c.GasAdjustment < 1 {
		errs = append(errs, fmt.Errorf("gas_adjustment %v must be at least 1", c.GasAdjustment))
	}
	if len(c.Roles) == 0 {
		errs = append(errs, errors.New("no [[roles]]: list the roles the node reports for and their shares"))
	}
	seen := map[string]bool{}
	var sum [3]uint64
	for _, r := range c.Roles {
		name := strings.ToLower(r.Role)
		if seen[name] {
			errs = append(errs, fmt.Errorf("role %q is listed twice", r.Role))
		}
		seen[name] = true
		sum[0], sum[1], sum[2] = sum[0]+r.Compute, sum[1]+r.Storage, sum[2]+r.Bandwidth
	}
	for i, what := range []string{"compute", "storage", "bandwidth"} {
		if sum[i] > 100 {
			errs = append(errs, fmt.Errorf("the roles' %s shares add up to %d%%: at most 100%%", what, sum[i]))
		}
	}
	return errors.Join(errs...)
}

// RemeasureEvery is how long a measurement stays fresh.
func (c Config) RemeasureEvery() time.Duration {
	return time.Duration(max(c.Probe.RemeasureHours, 1)) * time.Hour
}

// Load reads home/config.toml.
func Load(home string) (Config, error) {
	path := filepath.Join(home, FileName)
	bz, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf("no %s: run `aegis-node init --home %s` first", path, home)
	} else if err != nil {
		return Config{}, err
	}
	c := Default()
	if err := toml.Unmarshal(bz, &c); err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Write writes home/config.toml with comments that explain every field.
func Write(home string, c Config) error {
	var b strings.Builder
	fmt.Fprintf(&b, `# aegis-node configuration. Edit, then restart `+"`aegis-node run`"+`.

# The chain: its id, a node's CometBFT RPC (to broadcast) and gRPC (to query).
chain_id = %q
rpc = %q
grpc = %q

# The resource node this program reports for: its operator address (the cold key that
# registered it and holds its stake; that key never needs to be on this machine).
operator = %q

# The hot key in this home's keyring that signs reports (through an x/authz grant from the
# operator) and pays no fees (through an x/feegrant allowance from the operator).
hot_key = %q
keyring_backend = %q

# Fees: the gas price the chain's nodes accept, and the margin over simulated gas.
gas_prices = %q
gas_adjustment = %v

# Claim the node's rewards automatically once they exceed this many uaegis (0: never).
auto_claim_above = %d

# The roles the node reports for, and the percentage of each measured resource each gets.
# Per resource, the roles' shares may add up to at most 100.
`, c.ChainID, c.RPC, c.GRPC, c.Operator, c.HotKey, c.KeyringBackend, c.GasPrices, c.GasAdjustment, c.AutoClaimAbove)
	for _, r := range c.Roles {
		fmt.Fprintf(&b, "[[roles]]\nrole = %q\ncompute = %d\nstorage = %d\nbandwidth = %d\n\n", r.Role, r.Compute, r.Storage, r.Bandwidth)
	}
	fmt.Fprintf(&b, `[probe]
# Bandwidth in Mbit/s when it cannot be measured against a peer.
declared_bandwidth_mbps = %d
# A host:port to measure bandwidth against (empty: use the declared figure).
peer = %q
# Re-measure the machine when the last measurement is older than this.
remeasure_hours = %d

[listen]
# Prometheus metrics and the status page (empty: off).
metrics = %q
status = %q
`, c.Probe.DeclaredBandwidthMbps, c.Probe.Peer, c.Probe.RemeasureHours, c.Listen.Metrics, c.Listen.Status)
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(home, FileName), []byte(b.String()), 0o600)
}
