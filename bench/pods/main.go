// Command bench-pods plays many Go pods in one process for `make bench`: it serves the real net/http/pprof
// endpoints of this process on N loopback addresses (one "pod IP" each, all on the same port), records when
// each address receives a pprof request, and lets the harness switch pods hot (a goroutine burning a little CPU
// under a pprof label naming the pod) through a control endpoint on 127.0.0.1.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	rpprof "runtime/pprof"
	"strconv"
	"sync"
	"time"
)

const maxLoggedRequests = 256

type pod struct {
	mu       sync.Mutex
	requests []int64 // arrival times, Unix nanoseconds, oldest first, at most maxLoggedRequests
	hot      chan struct{}
	ballast  [][]byte
}

func (p *pod) record(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.requests) == maxLoggedRequests {
		p.requests = p.requests[1:]
	}
	p.requests = append(p.requests, at.UnixNano())
}

func (p *pod) since(from int64) []int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := []int64{}
	for _, t := range p.requests {
		if t >= from {
			out = append(out, t)
		}
	}
	return out
}

func pprofMux(p *pod) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.record(time.Now())
		mux.ServeHTTP(w, r)
	})
}

// burn spends about 2 ms of CPU every 50 ms until stop is closed: enough to show in a CPU profile, little enough
// that twenty hot pods do not starve the agent being measured on a small machine.
func burn(name string, stop chan struct{}) {
	rpprof.Do(context.Background(), rpprof.Labels("pod", name), func(context.Context) {
		ticker := time.NewTicker(50 * time.Millisecond)
		defer ticker.Stop()
		x := 1.0
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				until := time.Now().Add(2 * time.Millisecond)
				for time.Now().Before(until) {
					x = x*1.0000001 + 1
				}
			}
		}
	})
}

func main() {
	count := flag.Int("n", 110, "number of pods (loopback addresses)")
	base := flag.String("base", "127.0.1.1", "first pod IP; the others follow in the last octet")
	port := flag.Int("port", 0, "port on every pod IP (0: pick one free on the first address)")
	flag.Parse()

	first := net.ParseIP(*base).To4()
	if first == nil || first[0] != 127 || int(first[3])+*count-1 > 254 {
		log.Fatalf("need %d loopback IPv4 addresses from %s within one /24", *count, *base)
	}
	pods := make([]*pod, *count)
	addrs := make([]string, *count)
	listeners := make([]net.Listener, *count)
	for i := range pods {
		ip := net.IPv4(first[0], first[1], first[2], first[3]+byte(i))
		l, err := net.Listen("tcp", fmt.Sprintf("%s:%d", ip, *port))
		if err != nil {
			log.Fatalf("listen on %s:%d: %v", ip, *port, err)
		}
		if *port == 0 {
			*port = l.Addr().(*net.TCPAddr).Port
		}
		listeners[i] = l
		addrs[i] = ip.String()
		// A little live heap per pod so heap profiles are not empty.
		pods[i] = &pod{ballast: [][]byte{make([]byte, 16<<10), make([]byte, 4<<10)}}
	}
	for i, l := range listeners {
		server := &http.Server{Handler: pprofMux(pods[i]), ReadHeaderTimeout: 10 * time.Second,
			WriteTimeout: 90 * time.Second}
		go func(l net.Listener) { log.Print(server.Serve(l)) }(l)
	}

	var hotMu sync.Mutex
	control := http.NewServeMux()
	podAt := func(w http.ResponseWriter, r *http.Request) (int, bool) {
		i, err := strconv.Atoi(r.URL.Query().Get("pod"))
		if err != nil || i < 0 || i >= len(pods) {
			http.Error(w, "pod must be an index below "+strconv.Itoa(len(pods)), http.StatusBadRequest)
			return 0, false
		}
		return i, true
	}
	control.HandleFunc("/hot", func(w http.ResponseWriter, r *http.Request) {
		i, ok := podAt(w, r)
		if !ok {
			return
		}
		on := r.URL.Query().Get("on") == "true"
		hotMu.Lock()
		defer hotMu.Unlock()
		p := pods[i]
		if on && p.hot == nil {
			p.hot = make(chan struct{})
			go burn(addrs[i], p.hot)
		} else if !on && p.hot != nil {
			close(p.hot)
			p.hot = nil
		}
		fmt.Fprintln(w, "ok")
	})
	control.HandleFunc("/requests", func(w http.ResponseWriter, r *http.Request) {
		i, ok := podAt(w, r)
		if !ok {
			return
		}
		from, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(pods[i].since(from))
	})
	cl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("control listener: %v", err)
	}
	// The harness reads this line to find the ports.
	fmt.Printf("bench-pods ready pods=%d port=%d control=%d\n", len(pods), *port, cl.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	log.Fatal(http.Serve(cl, control))
}
