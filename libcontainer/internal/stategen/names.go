package stategen

import (
	"fmt"
	"go/token"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// helpers are the functions of package libcontainer (jsonappend.go) that
// the generated code calls; no generated function may take their names.
var helpers = []string{"appendJSONString", "appendMarshalJSON", "appendCompactJSON"}

// namer spells types in the generated file, collecting the imports they
// need, and names the generated functions.
type namer struct {
	pkgPath string                  // the package the code is generated into
	prefix  string                  // follows "append" in function names
	imports map[string]string       // import path -> package name
	funcs   map[reflect.Type]string // the function of each type
	taken   map[string]bool         // function names in use
}

func newNamer(pkgPath, prefix string) *namer {
	n := &namer{
		pkgPath: pkgPath,
		prefix:  prefix,
		imports: map[string]string{},
		funcs:   map[reflect.Type]string{},
		taken:   map[string]bool{},
	}
	for _, h := range helpers {
		n.taken[h] = true
	}
	return n
}

// use records an import of a package of the standard library.
func (n *namer) use(path string) {
	n.imports[path] = path[strings.LastIndex(path, "/")+1:]
}

// typeExpr spells t in the generated file, importing the packages it
// names.
func (n *namer) typeExpr(t reflect.Type) (string, error) {
	if t.Name() != "" {
		return n.namedType(t)
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		elem, err := n.typeExpr(t.Elem())
		if err != nil {
			return "", err
		}
		switch t.Kind() {
		case reflect.Pointer:
			return "*" + elem, nil
		case reflect.Slice:
			return "[]" + elem, nil
		}
		return fmt.Sprintf("[%d]%s", t.Len(), elem), nil
	case reflect.Map:
		key, err := n.typeExpr(t.Key())
		if err != nil {
			return "", err
		}
		elem, err := n.typeExpr(t.Elem())
		if err != nil {
			return "", err
		}
		return "map[" + key + "]" + elem, nil
	}
	return "", fmt.Errorf("type %v cannot be spelled in the generated code", t)
}

// namedType spells named type t: unqualified when predeclared or of the
// generated package, else qualified by its package's name.
func (n *namer) namedType(t reflect.Type) (string, error) {
	if strings.Contains(t.Name(), "[") {
		return "", fmt.Errorf("generic type %v is not supported", t)
	}
	if t.PkgPath() == "" || t.PkgPath() == n.pkgPath {
		return t.Name(), nil
	}
	if !token.IsExported(t.Name()) {
		return "", fmt.Errorf("type %v is not exported by its package", t)
	}
	name, _, _ := strings.Cut(t.String(), ".")
	for path, other := range n.imports {
		if other == name && path != t.PkgPath() {
			return "", fmt.Errorf("packages %s and %s are both named %s", path, t.PkgPath(), name)
		}
	}
	n.imports[t.PkgPath()] = name
	return t.String(), nil
}

// funcName returns the name of t's function, choosing it on first use and
// reporting whether it did.
func (n *namer) funcName(t reflect.Type) (name string, isNew bool) {
	if name, ok := n.funcs[t]; ok {
		return name, false
	}
	base := "append" + n.prefix + baseName(t)
	name = base
	for i := 2; n.taken[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	n.taken[name] = true
	n.funcs[t] = name
	return name, true
}

// baseName names t within function names: SlicePtrMount,
// MapStringString.
func baseName(t reflect.Type) string {
	if n := t.Name(); n != "" {
		return upperFirst(n)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "Ptr" + baseName(t.Elem())
	case reflect.Slice:
		return "Slice" + baseName(t.Elem())
	case reflect.Array:
		return fmt.Sprintf("Array%d%s", t.Len(), baseName(t.Elem()))
	case reflect.Map:
		return "Map" + baseName(t.Key()) + baseName(t.Elem())
	}
	return upperFirst(t.Kind().String())
}

// upperFirst returns s with its first letter in upper case.
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
