package types_test

import (
	"encoding/binary"
	"math/big"
	"testing"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/x/por/types"
)

// Run one target per invocation, e.g.
//
//	go test -run '^$' -fuzz=FuzzComputePoR -fuzztime=20s ./x/por/types/
//	go test -run '^$' -fuzz=FuzzValidateReport -fuzztime=20s ./x/por/types/

// fuzzDec maps v to a LegacyDec in [lo, hi] with prec decimals (prec at most 18 and
// hi * 10^prec below 2^63).
func fuzzDec(v uint64, prec int64, lo, hi uint64) math.LegacyDec {
	scale := uint64(1)
	for range prec {
		scale *= 10
	}
	span := (hi-lo)*scale + 1
	return math.LegacyNewDecWithPrec(int64(lo*scale+v%span), prec)
}

// decUnits is d in units of 10^-18.
func decUnits(d math.LegacyDec) *big.Int { return d.BigInt() }

// FuzzComputePoR checks spec section 3 on random valid role params and random resources
// up to a random valid max_resource_value.
func FuzzComputePoR(f *testing.F) {
	// c, s, b, wc, ws, wb, porCap, penalty, minC, minS, minB, maxValue, precs
	f.Add(uint64(150), uint64(100), uint64(80), uint64(1), uint64(1), uint64(1), uint64(300), uint64(800_000_000_000_000_000-1), uint64(140), uint64(90), uint64(70), uint64(1_000_000_000-1), uint64(0))
	f.Add(uint64(130), uint64(80), uint64(60), uint64(1), uint64(1), uint64(1), uint64(300), uint64(800_000_000_000_000_000-1), uint64(140), uint64(90), uint64(70), uint64(1_000_000_000-1), uint64(0))
	f.Add(uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0))
	f.Add(^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0))
	f.Add(uint64(types.MaxResourceValueLimit), uint64(types.MaxResourceValueLimit), uint64(types.MaxResourceValueLimit), uint64(1_000_000), uint64(1_000_000), uint64(1_000_000), uint64(999_999_999), uint64(1e18-1), uint64(0), uint64(0), uint64(0), uint64(types.MaxResourceValueLimit-1), uint64(0))
	f.Add(uint64(1), uint64(2), uint64(3), uint64(5), uint64(123456789), uint64(7), uint64(1), uint64(1), uint64(2), uint64(2), uint64(2), uint64(10), uint64(0x0c_0c_0c_09))

	f.Fuzz(func(t *testing.T, c, s, b, wc, ws, wb, porCap, penalty, minC, minS, minB, maxValue, precs uint64) {
		maxRes := 1 + maxValue%types.MaxResourceValueLimit
		res := types.Resources{Compute: c % (maxRes + 1), Storage: s % (maxRes + 1), Bandwidth: b % (maxRes + 1)}
		// Each weight in [0, 1e6] with 0..12 decimals, the cap in (0, 1e9] with 0..9, the
		// penalty in (0, 1] with 18.
		prec := func(i int) int64 { return int64(precs>>(8*i)&0xff) % 13 }
		rp := types.DefaultParams().Roles[0]
		rp.WeightCompute = fuzzDec(wc, prec(0), 0, 1_000_000)
		rp.WeightStorage = fuzzDec(ws, prec(1), 0, 1_000_000)
		rp.WeightBandwidth = fuzzDec(wb, prec(2), 0, 1_000_000)
		capPrec := prec(3) % 10
		rp.PorCap = fuzzDec(porCap, capPrec, 0, 1_000_000_000)
		if rp.PorCap.IsZero() {
			rp.PorCap = math.LegacyNewDecWithPrec(1, capPrec)
		}
		rp.Penalty = math.LegacyNewDecWithPrec(int64(1+penalty%1_000_000_000_000_000_000), 18)
		// Minimums around the resources, so both sides of each minimum are reached.
		rp.MinCompute, rp.MinStorage, rp.MinBandwidth = minC%(maxRes+2), minS%(maxRes+2), minB%(maxRes+2)
		if err := rp.Validate(); err != nil {
			t.Fatalf("the fuzz mapping built invalid params: %v", err)
		}

		por := rp.ComputePoR(res)

		// raw is exactly wc*C + ws*S + wb*B.
		want := new(big.Int)
		for _, term := range []struct {
			w math.LegacyDec
			v uint64
		}{{rp.WeightCompute, res.Compute}, {rp.WeightStorage, res.Storage}, {rp.WeightBandwidth, res.Bandwidth}} {
			want.Add(want, new(big.Int).Mul(decUnits(term.w), new(big.Int).SetUint64(term.v)))
		}
		if decUnits(por.Raw).Cmp(want) != 0 {
			t.Fatalf("raw %s, want %s units of 1e-18", por.Raw, want)
		}
		if por.Raw.IsNegative() {
			t.Fatalf("raw %s < 0", por.Raw)
		}
		if !por.Capped.Equal(math.LegacyMinDec(por.Raw, rp.PorCap)) || por.Capped.GT(rp.PorCap) || por.Capped.GT(por.Raw) {
			t.Fatalf("capped %s, want min(raw %s, cap %s)", por.Capped, por.Raw, rp.PorCap)
		}
		penalized := res.Compute < rp.MinCompute || res.Storage < rp.MinStorage || res.Bandwidth < rp.MinBandwidth
		if por.Penalized != penalized {
			t.Fatalf("penalized %v, want %v (%v vs mins %d/%d/%d)", por.Penalized, penalized, res, rp.MinCompute, rp.MinStorage, rp.MinBandwidth)
		}
		if por.Eff.IsNegative() || por.Eff.GT(por.Capped) {
			t.Fatalf("eff %s outside [0, capped %s]", por.Eff, por.Capped)
		}
		if !penalized {
			if !por.Eff.Equal(por.Capped) {
				t.Fatalf("unpenalized eff %s != capped %s", por.Eff, por.Capped)
			}
			return
		}
		if !por.Eff.Equal(por.Capped.Mul(rp.Penalty)) {
			t.Fatalf("penalized eff %s != capped %s * penalty %s", por.Eff, por.Capped, rp.Penalty)
		}
		// And that product is capped*penalty rounded to 18 decimals: off by at most half a unit.
		exact := new(big.Int).Mul(decUnits(por.Capped), decUnits(rp.Penalty)) // units of 1e-36
		diff := new(big.Int).Sub(new(big.Int).Mul(decUnits(por.Eff), big.NewInt(1e18)), exact)
		if diff.Abs(diff).Cmp(big.NewInt(5e17)) > 0 {
			t.Fatalf("penalized eff %s is not capped %s * penalty %s rounded", por.Eff, por.Capped, rp.Penalty)
		}
	})
}

// reportReader turns fuzz bytes into a report; it reads zeros once the bytes run out.
type reportReader struct{ b []byte }

func (r *reportReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reportReader) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], r.b)
	r.b = r.b[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

// value is a resource value: within max, at or just below it, just above it, or any.
func (r *reportReader) value(maxValue uint64) uint64 {
	mode, x := r.byte(), r.u64()
	switch mode % 4 {
	case 0:
		return x % (maxValue + 1)
	case 1:
		return maxValue - min(x%4, maxValue)
	case 2:
		return maxValue + 1 + x%4
	default:
		return x
	}
}

func (r *reportReader) resources(maxValue uint64) types.Resources {
	return types.Resources{Compute: r.value(maxValue), Storage: r.value(maxValue), Bandwidth: r.value(maxValue)}
}

// decodeReport reads: max selector and value, part count, totals, then per part a role
// (-1..6, so invalid roles occur) and its resources.
func decodeReport(data []byte) (types.Params, types.Resources, []types.RolePart) {
	r := &reportReader{b: data}
	params := types.DefaultParams()
	sel, mv := r.byte(), r.u64()
	if sel%2 == 1 {
		params.MaxResourceValue = 1 + mv%types.MaxResourceValueLimit
	}
	n := int(r.byte() % 6)
	totals := r.resources(params.MaxResourceValue)
	parts := make([]types.RolePart, n)
	for i := range parts {
		parts[i].Role = types.NodeRole(int32(r.byte()%8) - 1)
		parts[i].Resources = r.resources(params.MaxResourceValue)
	}
	return params, totals, parts
}

// encodeReport is decodeReport's inverse for seeds: every value is written raw.
func encodeReport(maxValue uint64, totals types.Resources, parts ...types.RolePart) []byte {
	var out []byte
	u64 := func(v uint64) { out = binary.LittleEndian.AppendUint64(out, v) }
	res := func(x types.Resources) {
		for _, v := range []uint64{x.Compute, x.Storage, x.Bandwidth} {
			out = append(out, 3)
			u64(v)
		}
	}
	if maxValue == types.DefaultMaxResourceValue {
		out = append(out, 0)
		u64(0)
	} else {
		out = append(out, 1)
		u64(maxValue - 1)
	}
	out = append(out, byte(len(parts)))
	res(totals)
	for _, p := range parts {
		out = append(out, byte(p.Role+1))
		res(p.Resources)
	}
	return out
}

func FuzzValidateReport(f *testing.F) {
	res := func(c, s, b uint64) types.Resources { return types.Resources{Compute: c, Storage: s, Bandwidth: b} }
	part := func(r types.NodeRole, c, s, b uint64) types.RolePart {
		return types.RolePart{Role: r, Resources: res(c, s, b)}
	}
	const def = types.DefaultMaxResourceValue
	seeds := [][]byte{
		// valid: one part equal to the totals, several parts within them, parts at max
		encodeReport(def, res(150, 100, 80), part(types.NODE_ROLE_WORKER, 150, 100, 80)),
		encodeReport(def, res(1000, 1000, 1000), part(types.NODE_ROLE_WORKER, 200, 200, 200), part(types.NODE_ROLE_DA, 100, 500, 100),
			part(types.NODE_ROLE_SEQUENCER, 100, 100, 600), part(types.NODE_ROLE_OPERATOR, 600, 0, 0), part(types.NODE_ROLE_DELEGATE, 0, 200, 100)),
		encodeReport(def, res(def, def, def), part(types.NODE_ROLE_DELEGATE, def, def, def)),
		encodeReport(types.MaxResourceValueLimit, res(types.MaxResourceValueLimit, types.MaxResourceValueLimit, types.MaxResourceValueLimit),
			part(types.NODE_ROLE_WORKER, types.MaxResourceValueLimit, 0, 0)),
		encodeReport(10, res(10, 10, 10), part(types.NODE_ROLE_DA, 5, 5, 5), part(types.NODE_ROLE_OPERATOR, 5, 5, 5)),
		// invalid: no part, duplicate role, unknown roles, values above max, parts above totals
		encodeReport(def, res(1, 1, 1)),
		encodeReport(def, res(10, 10, 10), part(types.NODE_ROLE_WORKER, 1, 1, 1), part(types.NODE_ROLE_WORKER, 1, 1, 1)),
		encodeReport(def, res(10, 10, 10), part(types.NODE_ROLE_UNSPECIFIED, 1, 1, 1)),
		encodeReport(def, res(10, 10, 10), part(6, 1, 1, 1)),
		encodeReport(def, res(10, 10, 10), part(-1, 1, 1, 1)),
		encodeReport(def, res(def+1, 0, 0), part(types.NODE_ROLE_WORKER, 0, 0, 0)),
		encodeReport(def, res(def, def, def), part(types.NODE_ROLE_WORKER, 0, def+1, 0)),
		encodeReport(def, res(^uint64(0), ^uint64(0), ^uint64(0)), part(types.NODE_ROLE_WORKER, ^uint64(0), ^uint64(0), ^uint64(0))),
		encodeReport(10, res(10, 10, 10), part(types.NODE_ROLE_DA, 6, 5, 5), part(types.NODE_ROLE_OPERATOR, 5, 5, 5)),
		encodeReport(def, res(def, def, def), part(types.NODE_ROLE_WORKER, def, def, def), part(types.NODE_ROLE_DA, 0, 0, 1)),
		{},
	}
	for _, s := range seeds {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		params, totals, parts := decodeReport(data)
		err := types.ValidateReport(params, totals, parts)

		// The independent verdict.
		maxValue := params.MaxResourceValue
		tooLarge := totals.Max() > maxValue
		for _, p := range parts {
			tooLarge = tooLarge || p.Resources.Max() > maxValue
		}
		if tooLarge && err == nil {
			t.Fatalf("a value above max %d accepted: totals %v parts %v", maxValue, totals, parts)
		}
		valid := !tooLarge && len(parts) >= 1 && len(parts) <= len(types.AllRoles)
		seen := map[types.NodeRole]bool{}
		sum := [3]*big.Int{new(big.Int), new(big.Int), new(big.Int)}
		for _, p := range parts {
			valid = valid && p.Role.Valid() && !seen[p.Role]
			seen[p.Role] = true
			for i, v := range []uint64{p.Resources.Compute, p.Resources.Storage, p.Resources.Bandwidth} {
				sum[i].Add(sum[i], new(big.Int).SetUint64(v))
			}
		}
		for i, v := range []uint64{totals.Compute, totals.Storage, totals.Bandwidth} {
			valid = valid && sum[i].Cmp(new(big.Int).SetUint64(v)) <= 0
		}

		if err != nil {
			if valid {
				t.Fatalf("valid report rejected: %v (max %d, totals %v, parts %v)", err, maxValue, totals, parts)
			}
			return
		}
		if !valid {
			t.Fatalf("invalid report accepted: max %d, totals %v, parts %v", maxValue, totals, parts)
		}
		// Accepted: what the keeper relies on.
		if len(parts) == 0 || len(parts) > len(types.AllRoles) {
			t.Fatalf("accepted %d parts", len(parts))
		}
		roles := map[types.NodeRole]bool{}
		var total types.Resources
		for _, p := range parts {
			if !p.Role.Valid() || roles[p.Role] {
				t.Fatalf("accepted role %d twice or unknown", p.Role)
			}
			roles[p.Role] = true
			if p.Resources.Max() > maxValue {
				t.Fatalf("accepted %v above max %d", p.Resources, maxValue)
			}
			total = total.Add(p.Resources)
		}
		if totals.Max() > maxValue || !total.Within(totals) {
			t.Fatalf("accepted parts summing to %v with totals %v (max %d)", total, totals, maxValue)
		}
	})
}
