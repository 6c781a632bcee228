//go:build ociprof

package main

// Profiling of the CLI itself, for docs/benchmarks.md. Only in a binary
// built with -tags ociprof (runtime/pprof's packages would otherwise add
// to every command's start-up): OCIRUN_PPROF=PREFIX then writes
// PREFIX.<pid>.cpu (a CPU profile of main) and PREFIX.<pid>.allocs (the
// allocation profile). OCIRUN_PPROF_ALLOCS=1 records every allocation
// (MemProfileRate 1 from the start of package init), which makes the CPU
// profile mostly the recording's own cost.

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

var pprofPrefix = func() string {
	p := os.Getenv("OCIRUN_PPROF")
	if p != "" && os.Getenv("OCIRUN_PPROF_ALLOCS") == "1" {
		runtime.MemProfileRate = 1
	}
	return p
}()

func init() {
	if pprofPrefix == "" {
		return
	}
	name := pprofPrefix + "." + strconv.Itoa(os.Getpid())
	f, err := os.Create(name + ".cpu")
	if err != nil {
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return
	}
	atExit = append(atExit, func() {
		pprof.StopCPUProfile()
		f.Close()
		if a, err := os.Create(name + ".allocs"); err == nil {
			pprof.Lookup("allocs").WriteTo(a, 0)
			a.Close()
		}
	})
}
