package libcontainer

import (
	"reflect"
	"testing"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestIDMapHelperArgs(t *testing.T) {
	got := idMapHelperArgs(42, []configs.IDMap{{ContainerID: 0, HostID: 1000, Size: 1}, {ContainerID: 1, HostID: 200000, Size: 65536}})
	want := []string{"42", "0", "1000", "1", "1", "200000", "65536"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
}
