package shim

import (
	"fmt"
	"strconv"
	"strings"
)

func fmtSscan(s string, pid *int) (int, error) { return fmt.Sscan(strings.TrimSpace(s), pid) }

func itoa(i int) string { return strconv.Itoa(i) }
