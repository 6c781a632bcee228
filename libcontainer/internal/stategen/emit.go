package stategen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// generator writes the functions of the generated file: one per struct,
// slice, array and map type reachable from the root. Pointers, strings,
// numbers, booleans and MarshalJSON methods are written inline.
type generator struct {
	model *model
	names *namer
	queue []reflect.Type // types whose function is still to write
	out   bytes.Buffer   // the functions written so far
	err   error          // the first error met
}

// fn is the body of a function being written.
type fn struct {
	body  bytes.Buffer
	fails bool // it returns ([]byte, error)
	// usesErr reports whether the body assigns err, which the function
	// then declares.
	usesErr bool
}

func (f *fn) printf(format string, args ...any) {
	fmt.Fprintf(&f.body, format, args...)
}

// ret spells the return of b, the value of expression x, from f.
func (f *fn) ret(x string) string {
	if f.fails {
		return x + ", nil"
	}
	return x
}

func (g *generator) fail(err error) {
	if g.err == nil {
		g.err = fmt.Errorf("stategen: %w", err)
	}
}

// typeExpr spells t, recording a failure if it cannot.
func (g *generator) typeExpr(t reflect.Type) string {
	s, err := g.names.typeExpr(t)
	if err != nil {
		g.fail(err)
	}
	return s
}

// funcOf returns the name of t's function, queueing it when new.
func (g *generator) funcOf(t reflect.Type) string {
	name, isNew := g.names.funcName(t)
	if isNew {
		g.queue = append(g.queue, t)
	}
	return name
}

// writeFunc writes the function of t. The root's returns an error even
// when nothing in it can fail, so that its callers do not depend on the
// types.
func (g *generator) writeFunc(t reflect.Type, root bool) {
	info := g.model.types[t]
	name := g.funcOf(t)
	param := g.typeExpr(t)
	f := &fn{fails: info.canFail || root}
	var doc string
	switch info.form {
	case formStruct:
		param = "*" + param
		doc = "*v as encoding/json writes it: an object of its fields."
		g.structBody(f, info)
	case formSlice:
		doc = "v as encoding/json writes it: an array, null if nil."
		g.arrayBody(f, t, true)
	case formArray:
		doc = "v as encoding/json writes it: an array."
		g.arrayBody(f, t, false)
	case formBytes:
		doc = "v as encoding/json writes it: base64 in a string, null if nil."
		g.bytesBody(f, t)
	case formMap:
		doc = "v as encoding/json writes it: an object sorted by key, null if nil."
		g.mapBody(f, t)
	default:
		g.fail(fmt.Errorf("no function for %v", t))
		return
	}
	result := "[]byte"
	if f.fails {
		result = "([]byte, error)"
	}
	fmt.Fprintf(&g.out, "\n// %s appends %s\n", name, doc)
	fmt.Fprintf(&g.out, "func %s(b []byte, v %s) %s {\n", name, param, result)
	if f.usesErr {
		g.out.WriteString("var err error\n")
	}
	g.out.Write(f.body.Bytes())
	g.out.WriteString("}\n")
}

// structBody writes the members of a struct, *v, in order. When the first
// one may be omitted, every member starts with a comma and the first
// written is turned into the opening brace.
func (g *generator) structBody(f *fn, info *typeInfo) {
	if len(info.members) == 0 {
		f.printf("return %s\n", f.ret(`append(b, "{}"...)`))
		return
	}
	dynamic := nonEmpty(info.members[0]) != ""
	if dynamic {
		f.printf("start := len(b)\n")
	}
	for i, mb := range info.members {
		key := "," + jsonKey(mb.name)
		if i == 0 && !dynamic {
			key = "{" + key[1:]
		}
		x := "v." + mb.sel
		cond := nonEmpty(mb)
		if cond != "" {
			f.printf("if %s {\n", cond)
		}
		f.printf("b = append(b, %s...)\n", goString(key))
		if cond != "" && mb.typ.Kind() == reflect.Pointer {
			// Not nil: omitempty left it out if it was.
			g.pointee(f, mb.typ, x)
		} else {
			g.value(f, mb.typ, x)
		}
		if cond != "" {
			f.printf("}\n")
		}
	}
	if dynamic {
		f.printf("if len(b) == start {\nreturn %s\n}\nb[start] = '{'\n", f.ret(`append(b, "{}"...)`))
	}
	f.printf("return %s\n", f.ret("append(b, '}')"))
}

// arrayBody writes the elements of v, a slice (null when nil) or array.
func (g *generator) arrayBody(f *fn, t reflect.Type, slice bool) {
	if slice {
		f.printf("if v == nil {\nreturn %s\n}\n", f.ret(`append(b, "null"...)`))
	}
	f.printf("b = append(b, '[')\nfor i := range v {\nif i > 0 {\nb = append(b, ',')\n}\n")
	g.value(f, t.Elem(), "v[i]")
	f.printf("}\nreturn %s\n", f.ret("append(b, ']')"))
}

// bytesBody writes v, a byte slice, in base64 (null when nil).
func (g *generator) bytesBody(f *fn, t reflect.Type) {
	g.names.use("encoding/base64")
	f.printf("if v == nil {\nreturn %s\n}\n", f.ret(`append(b, "null"...)`))
	f.printf("b = append(b, '\"')\nb = base64.StdEncoding.AppendEncode(b, %s)\n", convert("[]byte", t, "v"))
	f.printf("return %s\n", f.ret(`append(b, '"')`))
}

// mapBody writes the entries of map v (null when nil) sorted by the keys'
// JSON strings, as encoding/json does: the string, or the decimal integer.
func (g *generator) mapBody(f *fn, t reflect.Type) {
	key := t.Key()
	kt := g.typeExpr(key)
	g.names.use("slices")
	f.printf("if v == nil {\nreturn %s\n}\n", f.ret(`append(b, "null"...)`))
	f.printf("keys := make([]%s, 0, len(v))\nfor k := range v {\nkeys = append(keys, k)\n}\n", kt)
	var writeKey string
	switch formOfKey(key) {
	case formString:
		f.printf("slices.Sort(keys)\n")
		writeKey = fmt.Sprintf("b = appendJSONString(b, %s)\n", convert("string", key, "k"))
	case formInt:
		g.sortByDecimal(f, kt, fmt.Sprintf("strconv.FormatInt(%s, 10)", convert("int64", key, "%s")))
		writeKey = fmt.Sprintf("b = append(b, '\"')\nb = strconv.AppendInt(b, %s, 10)\nb = append(b, '\"')\n", convert("int64", key, "k"))
	default:
		g.sortByDecimal(f, kt, fmt.Sprintf("strconv.FormatUint(%s, 10)", convert("uint64", key, "%s")))
		writeKey = fmt.Sprintf("b = append(b, '\"')\nb = strconv.AppendUint(b, %s, 10)\nb = append(b, '\"')\n", convert("uint64", key, "k"))
	}
	f.printf("b = append(b, '{')\nfor i, k := range keys {\nif i > 0 {\nb = append(b, ',')\n}\n")
	f.printf("%sb = append(b, ':')\n", writeKey)
	if g.model.types[t.Elem()].form == formStruct {
		// Its function takes a pointer: to a copy, a map value has none.
		f.printf("e := v[k]\n")
		g.value(f, t.Elem(), "e")
	} else {
		g.value(f, t.Elem(), "v[k]")
	}
	f.printf("}\nreturn %s\n", f.ret("append(b, '}')"))
}

// sortByDecimal sorts keys, integers of type kt, by their decimal
// strings, which format spells with %s for the integer.
func (g *generator) sortByDecimal(f *fn, kt, format string) {
	g.names.use("strconv")
	g.names.use("strings")
	f.printf("slices.SortFunc(keys, func(x, y %s) int {\nreturn strings.Compare(%s, %s)\n})\n",
		kt, fmt.Sprintf(format, "x"), fmt.Sprintf(format, "y"))
}

// formOfKey is the form of a map key type that checkMapKey accepted.
func formOfKey(k reflect.Type) form {
	switch k.Kind() {
	case reflect.String:
		return formString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return formInt
	}
	return formUint
}

// value writes x, an expression of type t, addressable when t is a
// struct.
func (g *generator) value(f *fn, t reflect.Type, x string) {
	info := g.model.types[t]
	switch info.form {
	case formMarshaler:
		if t.Kind() == reflect.Pointer {
			f.printf("if %s == nil {\nb = append(b, \"null\"...)\n} else {\n", x)
			g.pointee(f, t, x)
			f.printf("}\n")
			return
		}
		f.usesErr = true
		f.printf("if b, err = appendMarshalJSON(b, %s); err != nil {\nreturn b, err\n}\n", x)
	case formString:
		f.printf("b = appendJSONString(b, %s)\n", convert("string", t, x))
	case formBool:
		g.names.use("strconv")
		f.printf("b = strconv.AppendBool(b, %s)\n", convert("bool", t, x))
	case formInt:
		g.names.use("strconv")
		f.printf("b = strconv.AppendInt(b, %s, 10)\n", convert("int64", t, x))
	case formUint:
		g.names.use("strconv")
		f.printf("b = strconv.AppendUint(b, %s, 10)\n", convert("uint64", t, x))
	case formPointer:
		f.printf("if %s == nil {\nb = append(b, \"null\"...)\n} else {\n", x)
		g.pointee(f, t, x)
		f.printf("}\n")
	case formStruct:
		g.call(f, t, "&"+x)
	default:
		g.call(f, t, x)
	}
}

// pointee writes x, a pointer of type t that is not nil: with its
// MarshalJSON method if it has one, else what it points to.
func (g *generator) pointee(f *fn, t reflect.Type, x string) {
	switch {
	case g.model.types[t].form == formMarshaler:
		f.usesErr = true
		f.printf("if b, err = appendMarshalJSON(b, %s); err != nil {\nreturn b, err\n}\n", x)
	case g.model.types[t.Elem()].form == formStruct:
		g.call(f, t.Elem(), x)
	default:
		g.value(f, t.Elem(), "*"+x)
	}
}

// call writes a call of t's function with argument arg.
func (g *generator) call(f *fn, t reflect.Type, arg string) {
	name := g.funcOf(t)
	if g.model.types[t].canFail {
		f.usesErr = true
		f.printf("if b, err = %s(b, %s); err != nil {\nreturn b, err\n}\n", name, arg)
		return
	}
	f.printf("b = %s(b, %s)\n", name, arg)
}

// nonEmpty spells the condition under which member mb is written, or ""
// when it always is: encoding/json's omitempty leaves out false, 0, "",
// nil and empty arrays, slices and maps, never a struct.
func nonEmpty(mb member) string {
	if !mb.omitEmpty {
		return ""
	}
	x := "v." + mb.sel
	switch mb.typ.Kind() {
	case reflect.String:
		return x + ` != ""`
	case reflect.Bool:
		return x
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return x + " != 0"
	case reflect.Pointer, reflect.Interface:
		return x + " != nil"
	case reflect.Slice, reflect.Map, reflect.Array:
		return "len(" + x + ") != 0"
	}
	return ""
}

// convert spells x, of type t, as a value of the predeclared type to.
func convert(to string, t reflect.Type, x string) string {
	if t.PkgPath() == "" && t.Name() == to {
		return x
	}
	return to + "(" + x + ")"
}

// jsonKey is the text encoding/json writes before a member's value:
// the name quoted, with only <, >, & and U+2028/9 escaped (a valid tag
// name has no quote, backslash or control character), then a colon.
func jsonKey(name string) string {
	var esc bytes.Buffer
	json.HTMLEscape(&esc, []byte(name))
	return `"` + esc.String() + `":`
}

// goString spells s as a Go string literal, raw when it can be.
func goString(s string) string {
	if strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}
