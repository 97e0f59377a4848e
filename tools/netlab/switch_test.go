package main

import (
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// chanPort is a port whose frames a test writes in and reads out.
type chanPort struct{ in, out chan []byte }

func newChanPort() *chanPort {
	return &chanPort{in: make(chan []byte, 64), out: make(chan []byte, 4096)}
}

func (p *chanPort) Read(b []byte) (int, error) {
	f, ok := <-p.in
	if !ok {
		return 0, io.EOF
	}
	return copy(b, f), nil
}

func (p *chanPort) Write(b []byte) (int, error) {
	p.out <- append([]byte(nil), b...)
	return len(b), nil
}

// frame is an Ethernet frame from host src to host dst (0xff: broadcast), numbered n;
// host h's address is 02:00:00:00:00:h.
func frame(dst, src, n byte) []byte {
	f := make([]byte, 60)
	copy(f[0:6], []byte{2, 0, 0, 0, 0, dst})
	if dst == 0xff {
		copy(f[0:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	}
	copy(f[6:12], []byte{2, 0, 0, 0, 0, src})
	f[20] = n
	return f
}

func TestSwitch(t *testing.T) {
	ports := []*chanPort{newChanPort(), newChanPort(), newChanPort(), newChanPort()}
	rws := make([]io.ReadWriter, len(ports))
	for i, p := range ports {
		rws[i] = p
	}
	sw := NewSwitch(rws, 1)
	go sw.Run()
	recv := func(p *chanPort) []byte {
		select {
		case f := <-p.out:
			return f
		case <-time.After(2 * time.Second):
			t.Fatal("no frame")
			return nil
		}
	}
	none := func(p *chanPort) {
		select {
		case f := <-p.out:
			t.Fatalf("unexpected frame %x", f[:14])
		case <-time.After(100 * time.Millisecond):
		}
	}

	// A broadcast floods; then host 1's address is known and a reply goes to it alone.
	ports[1].in <- frame(0xff, 1, 0)
	for _, p := range []*chanPort{ports[0], ports[2], ports[3]} {
		require.Equal(t, byte(1), recv(p)[11])
	}
	ports[2].in <- frame(1, 2, 0)
	require.Equal(t, byte(2), recv(ports[1])[11])
	none(ports[3])

	// Delay with jitter: each frame waits about the delay, and a link keeps its order.
	sw.SetRules(Rules{Links: []LinkRule{{Delay: 60 * time.Millisecond, Jitter: 40 * time.Millisecond}}})
	start := time.Now()
	for n := range byte(20) {
		ports[2].in <- frame(1, 2, n)
	}
	for n := range byte(20) {
		require.Equal(t, n, recv(ports[1])[20], "frames out of order")
	}
	require.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
	// The management port (0) is never delayed.
	ports[0].in <- frame(0xff, 0, 0)
	start = time.Now()
	recv(ports[1])
	require.Less(t, time.Since(start), 20*time.Millisecond)
	for _, p := range []*chanPort{ports[2], ports[3]} {
		recv(p)
	}

	// A partition drops between groups, not within one, and never from management.
	sw.SetRules(Rules{Partition: [][]int{{1, 2}, {3}}})
	ports[3].in <- frame(0xff, 3, 0)
	require.Equal(t, byte(3), recv(ports[0])[11])
	none(ports[1])
	none(ports[2])
	ports[2].in <- frame(1, 2, 1)
	recv(ports[1])

	// A link down cuts its host off from everyone, management included.
	sw.SetRules(Rules{Down: []int{1}})
	ports[0].in <- frame(1, 0, 0)
	none(ports[1])
	ports[1].in <- frame(0xff, 1, 0)
	none(ports[0])
	none(ports[2])
}

func TestJudge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := Rules{Links: []LinkRule{
		{LossPct: 2, Delay: 150 * time.Millisecond, Jitter: 50 * time.Millisecond},
		{From: []int{1}, To: []int{2}, Delay: time.Second},
	}}
	lost := 0
	for range 100_000 {
		v := r.judge(3, 4, rng)
		if v.drop {
			lost++
			continue
		}
		require.True(t, v.delay >= 100*time.Millisecond && v.delay <= 200*time.Millisecond, v.delay)
	}
	require.InDelta(t, 2000, lost, 200, "2%% of 100,000 frames lost")
	// The last matching rule applies: 1 → 2 has its own, 2 → 1 the general one.
	require.Equal(t, verdict{delay: time.Second}, r.judge(1, 2, rng))

	for _, bad := range []Rules{
		{Links: []LinkRule{{From: []int{9}}}},
		{Links: []LinkRule{{Delay: time.Millisecond, Jitter: time.Second}}},
		{Links: []LinkRule{{LossPct: 101}}},
		{Partition: [][]int{{1, 2}, {2, 3}}},
		{Down: []int{0}},
	} {
		require.Error(t, bad.Validate(4), "%+v", bad)
	}
	require.NoError(t, r.Validate(4))
}
