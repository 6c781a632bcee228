package seccomp

import (
	"encoding/json"
	"testing"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// FuzzCompile feeds arbitrary profiles to Compile: it must return a filter
// or an error, never crash, and a filter it returns must be well formed.
// Compile installs nothing, so this is safe in the test process.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		`{"defaultAction":"SCMP_ACT_ALLOW"}`,
		`{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
		  "syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"},
		  {"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":4294967295,"op":"SCMP_CMP_EQ"}]}]}`,
		`{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_LOG"],"listenerPath":"/x",
		  "syscalls":[{"names":["mkdirat"],"action":"SCMP_ACT_NOTIFY"},
		  {"names":["clone"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"},{"index":0,"value":1,"op":"SCMP_CMP_GT"}]}]}`,
		`{"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[{"names":["nope",""],"action":"SCMP_ACT_TRACE","errnoRet":70000}]}`,
		`{"defaultAction":"SCMP_ACT_LOG","syscalls":[null,{"names":["getpid"],"action":"SCMP_ACT_KILL","args":[null]}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c configs.Seccomp
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		filter, _, err := Compile(&c)
		if err != nil {
			if filter != nil {
				t.Fatal("filter and error")
			}
			return
		}
		if len(filter.prog) == 0 || len(filter.prog) > bpfMaxInsns {
			t.Fatalf("%d instructions", len(filter.prog))
		}
		filter.Release()
	})
}
