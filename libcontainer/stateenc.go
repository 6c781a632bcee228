package libcontainer

//go:generate go run -tags stategen ./internal/stategen/cmd

// stateBufSize is the initial capacity of an encoded state: the state of
// a container from `oci-run spec`'s config takes 3.5 KB, one with hooks,
// a user namespace, seccomp and resources of every controller 6 KB.
const stateBufSize = 8192

// marshalState encodes s exactly as json.Marshal(s) does, with the
// generated encoder (stateenc_gen.go): in a fresh process encoding/json
// would first build its encoders for State's types by reflection, which
// costs more than the encoding itself. (Built with the stategen tag, as
// the generator is, it uses encoding/json: stateenc_bootstrap.go.)
func marshalState(s *State) ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	b, err := appendState(make([]byte, 0, stateBufSize), s)
	if err != nil {
		return nil, err
	}
	return b, nil
}
