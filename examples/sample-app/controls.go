package main

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Upper bounds keep a typo from taking down the host the app runs on.
const (
	maxWorkers    = 64
	maxLeakMiB    = 1024
	maxGoroutines = 100000
	minLeakEvery  = 10 * time.Millisecond
	maxLeakEvery  = time.Hour
)

// controls turns HTTP requests into workload changes; each handler returns a one-line summary or an error.
type controls struct {
	w              *workload
	defaultWorkers int
}

type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

func control(handle func(*http.Request) (string, error)) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			rw.Header().Set("Allow", "GET, POST")
			http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		msg, err := handle(r)
		var bad badRequest
		switch {
		case errors.As(err, &bad):
			http.Error(rw, err.Error(), http.StatusBadRequest)
		case err != nil:
			http.Error(rw, err.Error(), http.StatusInternalServerError)
		default:
			rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(rw, msg)
		}
	}
}

func (c *controls) burn(r *http.Request) (string, error) {
	on, err := boolParam(r, "on")
	if err != nil {
		return "", err
	}
	if !on {
		c.w.stopBurn()
		return "burn stopped", nil
	}
	workers, err := intParam(r, "workers", c.defaultWorkers, 1, maxWorkers)
	if err != nil {
		return "", err
	}
	c.w.startBurn(workers)
	return fmt.Sprintf("burning in %d workers", workers), nil
}

func (c *controls) leak(r *http.Request) (string, error) {
	mb, err := intParam(r, "mb", -1, 1, maxLeakMiB)
	if err != nil {
		return "", err
	}
	if r.FormValue("every") == "" {
		total := c.w.leak(mb)
		return fmt.Sprintf("retaining %d MiB", total), nil
	}
	every, err := time.ParseDuration(r.FormValue("every"))
	if err != nil || every < minLeakEvery || every > maxLeakEvery {
		return "", badRequest{fmt.Sprintf("parameter every=%q must be a duration in [%s, %s]", r.FormValue("every"),
			minLeakEvery, maxLeakEvery)}
	}
	c.w.startLeak(mb, every)
	return fmt.Sprintf("leaking %d MiB every %s, up to %d MiB", mb, every, maxLeakMiB), nil
}

func (c *controls) goroutines(r *http.Request) (string, error) {
	n, err := intParam(r, "n", -1, 1, maxGoroutines)
	if err != nil {
		return "", err
	}
	total := c.w.parkGoroutines(n)
	return fmt.Sprintf("%d parked goroutines", total), nil
}

func (c *controls) contend(r *http.Request) (string, error) {
	on, err := boolParam(r, "on")
	if err != nil {
		return "", err
	}
	if !on {
		c.w.stopContention()
		return "contention stopped", nil
	}
	c.w.startContention()
	return fmt.Sprintf("contending in %d goroutines", contenders), nil
}

func (c *controls) reset(*http.Request) (string, error) {
	c.w.reset()
	return "reset", nil
}

func boolParam(r *http.Request, name string) (bool, error) {
	v := r.FormValue(name)
	if v == "" {
		return false, badRequest{fmt.Sprintf("missing parameter %s=1|0", name)}
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest{fmt.Sprintf("parameter %s=%q is not 1|0", name, v)}
	}
	return b, nil
}

// intParam reads an integer in [min, max]; def < 0 makes the parameter required.
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.FormValue(name)
	if v == "" {
		if def < 0 {
			return 0, badRequest{fmt.Sprintf("missing parameter %s", name)}
		}
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest{fmt.Sprintf("parameter %s=%q must be an integer in [%d, %d]", name, v, lo, hi)}
	}
	return n, nil
}
