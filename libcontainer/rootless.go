package libcontainer

import (
	"errors"
	"os"
	"reflect"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// rootlessWithoutCgroup reports whether a cgroup failure may be ignored:
// the caller is not root, the failure is a permission error, and the
// config asks for no limits (device rules aside: specconv always adds the
// default ones, and the user namespace already confines devices).
func rootlessWithoutCgroup(err error, r *configs.Resources) bool {
	if os.Geteuid() == 0 || !errors.Is(err, os.ErrPermission) {
		return false
	}
	if r == nil {
		return true
	}
	rest := *r
	rest.Devices, rest.SkipDevices = nil, false
	return reflect.DeepEqual(rest, configs.Resources{})
}
