package nsenter

// The C stage lives in nsexec.c: cgo compiles it into every binary that
// imports this package, and its __attribute__((constructor)) runs before the
// Go runtime starts. It returns at once unless EnvInit is "1".

/*
#cgo CFLAGS: -Wall -Wextra -O2
#include "nsexec.h"
*/
import "C"
