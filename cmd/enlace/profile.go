package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"sync"
	"time"
)

// Developers' aids for finding where an idle or busy workstation spends its
// time (scripts/idlecpu measures how much): with ENLACE_CPUPROFILE=FILE the
// whole run is CPU-profiled into FILE (`go tool pprof`), with
// ENLACE_TRACE=FILE it is traced into FILE (`go tool trace`: every wake-up
// of every goroutine), with ENLACE_MEMPROFILE=FILE what the heap holds
// when it ends (`go tool pprof -sample_index=inuse_space`: what each GC
// cycle marks). They are written when the command ends.
// ENLACE_PROFILE_DELAY=DURATION (e.g. 90s) starts them that long after the
// command, to profile an idle workstation without its start-up;
// ENLACE_CPUPROFILE_HZ=N samples N times a second instead of 100, for an
// idle process, of which 100 Hz catches a handful of samples a minute (the
// runtime then warns on stderr that the rate was already set). Even at
// 1000 Hz the profile of an idle workstation holds about a sixth of its CPU
// time (60 ms of samples for about 380 ms over 257 s: its wake-ups are
// short); the trace accounts for every one.

// startProfiling starts what the environment asks for and returns the
// function that stops it and writes the files.
func startProfiling() (stop func()) {
	if os.Getenv("ENLACE_CPUPROFILE") == "" && os.Getenv("ENLACE_TRACE") == "" && os.Getenv("ENLACE_MEMPROFILE") == "" {
		return func() {}
	}
	var (
		mu    sync.Mutex
		stops []func()
		done  bool
	)
	start := func() {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			stops = startProfilers()
		}
	}
	if d, err := time.ParseDuration(os.Getenv("ENLACE_PROFILE_DELAY")); err == nil && d > 0 {
		time.AfterFunc(d, start)
	} else {
		start()
	}
	return func() {
		mu.Lock()
		defer mu.Unlock()
		done = true
		for _, s := range stops {
			s()
		}
	}
}

// startProfilers starts the CPU profile and the trace the environment names.
func startProfilers() (stops []func()) {
	for _, p := range []struct {
		env   string
		start func(io.Writer) error
		stop  func(io.Writer)
	}{
		{"ENLACE_CPUPROFILE", func(w io.Writer) error {
			if hz, err := strconv.Atoi(os.Getenv("ENLACE_CPUPROFILE_HZ")); err == nil && hz > 0 {
				runtime.SetCPUProfileRate(hz)
			}
			return pprof.StartCPUProfile(w)
		}, func(io.Writer) { pprof.StopCPUProfile() }},
		{"ENLACE_TRACE", trace.Start, func(io.Writer) { trace.Stop() }},
		{"ENLACE_MEMPROFILE", func(io.Writer) error { return nil }, func(w io.Writer) {
			runtime.GC() // what is live at the end, not what the last cycle saw
			pprof.Lookup("heap").WriteTo(w, 0)
		}},
	} {
		path := os.Getenv(p.env)
		if path == "" {
			continue
		}
		f, err := os.Create(path)
		if err == nil {
			if err = p.start(f); err != nil {
				f.Close()
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "enlace: %s: %v\n", p.env, err)
			continue
		}
		stops = append(stops, func() { p.stop(f); f.Close() })
	}
	return stops
}
