package nsenter

/*
#include <stdlib.h>
#include "nsexec.h"
*/
import "C"

import (
	"errors"
	"unsafe"
)

// parseBootstrapForTest runs the C stage's bootstrap parser (the one the
// constructor uses) on payload and returns what it decoded, so tests and
// fuzzing can check C against Encode without starting a process. Nothing
// outside tests calls it, so the linker drops it from real binaries.
func parseBootstrapForTest(payload []byte) (*Bootstrap, error) {
	var cbuf unsafe.Pointer
	if len(payload) > 0 {
		cbuf = C.CBytes(payload)
		defer C.free(cbuf)
	}
	var bs C.struct_ocirun_bootstrap
	var msg [512]C.char
	if C.ocirun_parse_bootstrap((*C.uint8_t)(cbuf), C.size_t(len(payload)), &bs, &msg[0], C.size_t(len(msg))) != 0 {
		return nil, errors.New(C.GoString(&msg[0]))
	}
	b := &Bootstrap{CloneFlags: uintptr(bs.cloneflags)}
	for i := 0; i < int(bs.njoins); i++ {
		j := bs.joins[i]
		b.Joins = append(b.Joins, Join{
			Type: uintptr(j.nstype),
			Path: C.GoStringN(j.path, C.int(j.path_len)),
		})
	}
	b.Exec = bool(bs.exec)
	if bs.timens_offsets != nil {
		b.TimeOffsets = C.GoStringN(bs.timens_offsets, C.int(bs.timens_offsets_len))
	}
	return b, nil
}
