// Command sample-app is a small Go service that exposes net/http/pprof and a few control endpoints that make its
// profiles interesting on demand: CPU burn, heap growth, parked goroutines and mutex contention.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", ":6060", "listen address for pprof and the control endpoints (port 0 picks a free port)")
	workers := flag.Int("workers", 1, "default number of goroutines running burnCPU for /burn")
	mutexFraction := flag.Int("mutex-profile-fraction", 5, "runtime.SetMutexProfileFraction: report 1 in N contention events")
	blockRate := flag.Int("block-profile-rate", 10000, "runtime.SetBlockProfileRate: sample one blocking event per N ns blocked")
	flag.Parse()

	runtime.SetMutexProfileFraction(*mutexFraction)
	runtime.SetBlockProfileRate(*blockRate)

	if err := run(*addr, *workers); err != nil {
		log.Fatalf("sample-app: %v", err)
	}
}

func run(addr string, defaultWorkers int) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// Tests and scripts bind port 0 and read the real address from this line.
	fmt.Printf("listening on %s\n", ln.Addr())

	w := newWorkload()
	defer w.reset()

	srv := &http.Server{
		Handler:           newMux(w, defaultWorkers),
		ReadHeaderTimeout: 5 * time.Second,
		// CPU profiles run up to 60 s; pprof answers 400 to a `seconds` beyond the write timeout.
		WriteTimeout: 90 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Printf("sample-app: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func newMux(w *workload, defaultWorkers int) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)

	c := &controls{w: w, defaultWorkers: defaultWorkers}
	mux.HandleFunc("/burn", control(c.burn))
	mux.HandleFunc("/leak", control(c.leak))
	mux.HandleFunc("/goroutines", control(c.goroutines))
	mux.HandleFunc("/contend", control(c.contend))
	mux.HandleFunc("/reset", control(c.reset))
	mux.HandleFunc("/healthz", func(rw http.ResponseWriter, _ *http.Request) { fmt.Fprintln(rw, "ok") })
	mux.HandleFunc("/", index)
	return mux
}

const usage = `sample-app: a Go service to profile.

  /debug/pprof/              net/http/pprof (profile?seconds=N, heap, allocs, goroutine, mutex, block, ...)
  /burn?on=1|0&workers=N     run burnCPU in N goroutines (default from -workers), or stop
  /leak?mb=N                 grow the heap by N MiB (growHeap), kept until /reset
  /leak?mb=N&every=D         a leak ramp: N MiB more every D (e.g. 250ms), up to 1024 MiB, until /reset
  /goroutines?n=N            start N parked goroutines, kept until /reset
  /contend?on=1|0            mutex contention among a few goroutines (contendMutex), or stop
  /reset                     stop everything and drop retained memory
  /healthz                   liveness

Control endpoints accept GET and POST.
`

func index(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(rw, r)
		return
	}
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(rw, usage)
}
