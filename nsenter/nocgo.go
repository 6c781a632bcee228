//go:build !cgo

package nsenter

// The C stage is the only thing that puts a container's init into its
// namespaces; a binary built without cgo would start containers in the
// host's namespaces. Refuse to build instead.
var _ int = "nsenter: cgo is required (build with CGO_ENABLED=1)"
