package libcontainer

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// randomConfig returns a config whose every field is random, filled by
// the State encoder's tests' filler (stateenc_fill_test.go) from seed. t
// may be nil outside a test (fuzz seeds): the filler uses it only to
// report a kind it cannot fill, which the tests would meet first.
func randomConfig(t *testing.T, seed uint64) *configs.Config {
	f := &filler{t: t, r: rand.New(rand.NewPCG(seed, 0xc0f1))}
	cfg := &configs.Config{}
	f.fill(reflect.ValueOf(cfg).Elem())
	return cfg
}

// fullMapKey is the only key of every map of fullConfig, which marks the
// map's values in the member paths of its encoding.
const fullMapKey = "*"

// fullConfig returns a config with every field set to a non-zero value,
// every pointer to a value, every slice and map to one element, so that
// json.Marshal writes every member, even the omitempty ones.
func fullConfig() *configs.Config {
	cfg := &configs.Config{}
	fillFull(reflect.ValueOf(cfg).Elem())
	return cfg
}

// fillFull sets v, a settable value, as fullConfig describes.
func fillFull(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillFull(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillFull(v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		k.SetString(fullMapKey)
		fillFull(e)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			if sf := v.Type().Field(i); sf.IsExported() || sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				fillFull(v.Field(i))
			}
		}
	}
}
