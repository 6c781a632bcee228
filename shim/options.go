package shim

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	runcopts "github.com/containerd/containerd/api/types/runc/options"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// stateRootFile records, in the bundle, the state root a task was created
// under, so that "delete" after a dead shim finds the container.
const stateRootFile = "ocirun-root"

// taskOptions are the runtime options the shim honours. containerd sends
// the runc shim's options type (containerd.runc.v1.Options) when the
// runtime is configured with runc-style options; other types are ignored.
type taskOptions struct {
	Root          string
	NoPivotRoot   bool
	NoNewKeyring  bool
	SystemdCgroup bool
}

// parseOptions decodes a task's runtime options (nil: defaults).
func parseOptions(a *anypb.Any) (taskOptions, error) {
	var o taskOptions
	if a == nil || len(a.GetValue()) == 0 {
		return o, nil
	}
	url := a.GetTypeUrl()
	if !strings.HasSuffix(url, "containerd.runc.v1.Options") {
		return o, nil
	}
	var ro runcopts.Options
	if err := proto.Unmarshal(a.GetValue(), &ro); err != nil {
		return o, fmt.Errorf("decode runtime options %s: %w", url, err)
	}
	o.Root = ro.GetRoot()
	o.NoPivotRoot = ro.GetNoPivotRoot()
	o.NoNewKeyring = ro.GetNoNewKeyring()
	o.SystemdCgroup = ro.GetSystemdCgroup()
	if o.Root != "" && !filepath.IsAbs(o.Root) {
		return o, fmt.Errorf("runtime option root %q: must be an absolute path: %w", o.Root, errInvalidRequest)
	}
	return o, nil
}

// writeStateRoot records root in the bundle.
func writeStateRoot(bundle, root string) error {
	if err := os.WriteFile(filepath.Join(bundle, stateRootFile), []byte(root), 0o644); err != nil {
		return fmt.Errorf("record state root in bundle: %w", err)
	}
	return nil
}

// readStateRoot reads the recorded state root, or returns def.
func readStateRoot(bundle, def string) string {
	b, err := os.ReadFile(filepath.Join(bundle, stateRootFile))
	if err != nil || len(strings.TrimSpace(string(b))) == 0 {
		return def
	}
	return strings.TrimSpace(string(b))
}
