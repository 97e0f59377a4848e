package main

import (
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// A switch forwards Ethernet frames between ports as a learning bridge does, and applies
// the rules on the way: each (from, to) pair of ports is a link with its own FIFO queue,
// so delayed frames keep their order on a link, as on a wire.
type Switch struct {
	ports []io.ReadWriter // index = host number; 0 is the management port

	mu    sync.RWMutex
	rules Rules
	macs  map[[6]byte]int // learned: which port a source address was seen on

	links map[[2]int]chan timedFrame
	rng   *rand.Rand
	rngMu sync.Mutex

	// Counters, for the switch's log and tests.
	Forwarded, Dropped, Overflowed atomic.Uint64
}

type timedFrame struct {
	due   time.Time
	frame []byte
}

// linkQueue bounds each link's queue, as a real link's buffer: a frame that finds it full is
// dropped (at 150 ms of delay this is ~2 MB of frames in flight per link).
const linkQueue = 2048

// NewSwitch makes a switch over ports (port i is host i).
func NewSwitch(ports []io.ReadWriter, seed uint64) *Switch {
	s := &Switch{ports: ports, macs: map[[6]byte]int{}, links: map[[2]int]chan timedFrame{},
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for a := range ports {
		for b := range ports {
			if a != b {
				q := make(chan timedFrame, linkQueue)
				s.links[[2]int{a, b}] = q
				go s.deliver(ports[b], q)
			}
		}
	}
	return s
}

// SetRules replaces the rules; frames already queued keep the delay they were given.
func (s *Switch) SetRules(r Rules) {
	s.mu.Lock()
	s.rules = r
	s.mu.Unlock()
}

// Run forwards the frames read from every port until a read fails (the port closed).
func (s *Switch) Run() {
	var wg sync.WaitGroup
	for i := range s.ports {
		wg.Add(1)
		go func() { defer wg.Done(); s.serve(i) }()
	}
	wg.Wait()
}

func (s *Switch) serve(from int) {
	buf := make([]byte, 65536)
	for {
		n, err := s.ports[from].Read(buf)
		if err != nil {
			return
		}
		if n < 14 {
			continue
		}
		frame := append([]byte(nil), buf[:n]...)
		s.forward(from, frame, time.Now())
	}
}

// forward sends a frame read on port from to its destination (known from a source address
// seen before), or to every other port for a broadcast, multicast or unknown destination.
func (s *Switch) forward(from int, frame []byte, now time.Time) {
	var dst, src [6]byte
	copy(dst[:], frame[0:6])
	copy(src[:], frame[6:12])
	s.mu.Lock()
	s.macs[src] = from
	to, known := s.macs[dst]
	rules := s.rules
	s.mu.Unlock()
	if known && dst[0]&1 == 0 {
		if to != from {
			s.send(rules, from, to, frame, now)
		}
		return
	}
	for to := range s.ports {
		if to != from {
			s.send(rules, from, to, frame, now)
		}
	}
}

func (s *Switch) send(rules Rules, from, to int, frame []byte, now time.Time) {
	s.rngMu.Lock()
	v := rules.judge(from, to, s.rng)
	s.rngMu.Unlock()
	if v.drop {
		s.Dropped.Add(1)
		return
	}
	select {
	case s.links[[2]int{from, to}] <- timedFrame{due: now.Add(v.delay), frame: frame}:
		s.Forwarded.Add(1)
	default:
		s.Overflowed.Add(1)
	}
}

// deliver writes a link's frames to its port in order, each no earlier than it is due
// (a frame with less jitter than the one before waits for it: no reordering on a link).
func (s *Switch) deliver(port io.Writer, q <-chan timedFrame) {
	for f := range q {
		if d := time.Until(f.due); d > 0 {
			time.Sleep(d)
		}
		_, _ = port.Write(f.frame)
	}
}
