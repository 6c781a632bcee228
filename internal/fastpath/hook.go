//go:build cgo

package fastpath

/*
#include <stdlib.h>
#include "fastpath.h"
*/
import "C"

import "unsafe"

// summaryView is what the C parser understood of a summary (tests only).
type summaryView struct {
	Pid                   int
	StartTime             uint64
	FastStart, FastDelete bool
	FreezerV, NCgroups    int
	PrefixLen, SuffixLen  int
}

// parseSummaryC runs the C half's summary parser on b (for tests, which
// cannot use cgo themselves).
func parseSummaryC(b []byte) (summaryView, bool) {
	p := C.malloc(C.size_t(len(b) + 1))
	defer C.free(p)
	buf := unsafe.Slice((*byte)(p), len(b)+1)
	copy(buf, b)
	var r C.struct_ocirun_fast_summary_view
	if C.ocirun_fast_summary_hook((*C.char)(p), C.size_t(len(b)), &r) == 0 {
		return summaryView{}, false
	}
	return summaryView{
		Pid: int(r.pid), StartTime: uint64(r.start_time),
		FastStart: r.fast_start != 0, FastDelete: r.fast_delete != 0,
		FreezerV: int(r.freezer_v), NCgroups: int(r.ncgroups),
		PrefixLen: int(r.prefix_len), SuffixLen: int(r.suffix_len),
	}, true
}
