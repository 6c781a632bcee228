// Package configgen writes package libcontainer's decode functions of the
// config recorded in state.json (configdec_gen.go), for configs.Config,
// with the module's generator (internal/jsongen). It is a package, not
// only a program, so that libcontainer's tests can check that the
// committed file is what it writes and which JSON paths it decodes or
// declines. It imports libcontainer/configs, not libcontainer, whose tests
// import it.
package configgen

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/oci-run/oci-run/internal/jsongen"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// ConfigDeclines lists the places of configs.Config where the generated
// code declines values, leaving the document to encoding/json. Config
// fails when the types say otherwise, so that a new field of a type the
// generator does not decode is looked at, and the list kept explicit.
var ConfigDeclines = []string{}

// command is how configdec_gen.go is generated, for its header: go
// generate runs it in package libcontainer.
const command = "go run ./internal/configgen/cmd"

// Config returns configdec_gen.go for configs.Config and the model of it.
func Config() ([]byte, *jsongen.Model, error) {
	src, m, err := jsongen.Generate("libcontainer", command, reflect.TypeFor[configs.Config]())
	if err != nil {
		return nil, nil, err
	}
	if paths := m.DeclinedPaths(); !slices.Equal(paths, ConfigDeclines) {
		return nil, nil, fmt.Errorf("configgen: the generated code declines %q, ConfigDeclines lists %q: check the new places and update the list", paths, ConfigDeclines)
	}
	return src, m, nil
}
