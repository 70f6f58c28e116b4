package main

import (
	"context"
	"crypto/sha256"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

const (
	mib        = 1 << 20
	contenders = 4
)

// retained holds the heap grown by /leak, so heap profiles attribute it to growHeap.
var retained [][]byte

// workload owns everything the control endpoints start, so /reset and shutdown can stop it in one place.
type workload struct {
	mu             sync.Mutex
	stopBurning    context.CancelFunc
	stopContending context.CancelFunc
	stopLeaking    context.CancelFunc
	release        chan struct{}
	parked         int
}

func newWorkload() *workload {
	return &workload{release: make(chan struct{})}
}

// startBurn (re)starts CPU burn in the given number of goroutines.
func (w *workload) startBurn(workers int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopBurning != nil {
		w.stopBurning()
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stopBurning = cancel
	for i := 0; i < workers; i++ {
		go burnCPU(ctx)
	}
}

func (w *workload) stopBurn() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopBurning != nil {
		w.stopBurning()
		w.stopBurning = nil
	}
}

// burnCPU hashes in a loop until ctx ends; its name is what CPU profiles should show on top.
func burnCPU(ctx context.Context) {
	sum := sha256.Sum256([]byte("bolometer"))
	for {
		select {
		case <-ctx.Done():
			return
		default:
		}
		for i := 0; i < 1000; i++ {
			sum = sha256.Sum256(sum[:])
		}
	}
}

// leak adds mb MiB to the retained heap and returns the total retained MiB.
func (w *workload) leak(mb int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	retained = growHeap(retained, mb)
	return len(retained)
}

// startLeak (re)starts a leak ramp: mb MiB more every interval, until reset or maxLeakMiB are retained.
func (w *workload) startLeak(mb int, every time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopLeaking != nil {
		w.stopLeaking()
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stopLeaking = cancel
	go func() {
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			w.mu.Lock()
			if ctx.Err() == nil && len(retained)+mb <= maxLeakMiB {
				retained = growHeap(retained, mb)
			}
			w.mu.Unlock()
		}
	}()
}

// growHeap appends mb 1 MiB chunks, touching every page so the memory is resident; heap profiles name it.
func growHeap(held [][]byte, mb int) [][]byte {
	for i := 0; i < mb; i++ {
		chunk := make([]byte, mib)
		for j := 0; j < len(chunk); j += 4096 {
			chunk[j] = byte(j)
		}
		held = append(held, chunk)
	}
	return held
}

// parkGoroutines starts n goroutines blocked until reset and returns how many are parked.
func (w *workload) parkGoroutines(n int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := 0; i < n; i++ {
		go parkGoroutine(w.release)
	}
	w.parked += n
	return w.parked
}

func parkGoroutine(release <-chan struct{}) {
	<-release
}

func (w *workload) startContention() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopContending != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stopContending = cancel
	var shared sync.Mutex
	for i := 0; i < contenders; i++ {
		go contendMutex(ctx, &shared)
	}
}

func (w *workload) stopContention() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopContending != nil {
		w.stopContending()
		w.stopContending = nil
	}
}

// contendMutex holds the shared lock while hashing, so the other contenders queue on it.
func contendMutex(ctx context.Context, shared *sync.Mutex) {
	sum := sha256.Sum256([]byte("contend"))
	for ctx.Err() == nil {
		shared.Lock()
		for i := 0; i < 200; i++ {
			sum = sha256.Sum256(sum[:])
		}
		shared.Unlock()
	}
}

// reset stops burn and contention, releases parked goroutines and returns retained memory to the OS.
func (w *workload) reset() {
	w.stopBurn()
	w.stopContention()
	w.mu.Lock()
	if w.stopLeaking != nil {
		w.stopLeaking()
		w.stopLeaking = nil
	}
	close(w.release)
	w.release = make(chan struct{})
	w.parked = 0
	retained = nil
	w.mu.Unlock()
	runtime.GC()
	debug.FreeOSMemory()
}
