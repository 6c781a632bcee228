package stategen

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
)

// form is how encoding/json writes values of a type, as far as the
// generated code mirrors it.
type form int

const (
	formMarshaler form = iota // its MarshalJSON method, output compacted
	formString                // a JSON string
	formBool                  // true or false
	formInt                   // a signed decimal integer
	formUint                  // an unsigned decimal integer
	formStruct                // an object of the struct's fields
	formPointer               // null, or the value pointed to
	formSlice                 // null, or an array of the elements
	formBytes                 // null, or a base64 string ([]byte)
	formArray                 // an array of the elements
	formMap                   // null, or an object sorted by key
)

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// formOf says how encoding/json writes values of t, or why the generated
// code cannot mirror it. It checks the methods first, in encoding/json's
// order: a MarshalJSON method wins over the kind, then MarshalText.
func formOf(t reflect.Type) (form, error) {
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(marshalerType) {
		if !t.Implements(marshalerType) {
			// encoding/json calls it only when the value is addressable,
			// which depends on the path to it.
			return 0, fmt.Errorf("%v has MarshalJSON on its pointer only, which the generator does not support", t)
		}
		return formMarshaler, nil
	}
	if t.Implements(marshalerType) {
		if t.Kind() == reflect.Interface {
			return 0, fmt.Errorf("%v is an interface type", t)
		}
		return formMarshaler, nil
	}
	if t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return 0, fmt.Errorf("%v has a MarshalText method, which the generator does not support", t)
	}
	switch t.Kind() {
	case reflect.String:
		return formString, nil
	case reflect.Bool:
		return formBool, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return formInt, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return formUint, nil
	case reflect.Struct:
		return formStruct, nil
	case reflect.Pointer:
		return formPointer, nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return bytesForm(t)
		}
		return formSlice, nil
	case reflect.Array:
		return formArray, nil
	case reflect.Map:
		if err := checkMapKey(t.Key()); err != nil {
			return 0, err
		}
		return formMap, nil
	case reflect.Float32, reflect.Float64:
		return 0, fmt.Errorf("%v: floating-point numbers are not supported (encoding/json formats them in its own way)", t)
	case reflect.Interface:
		return 0, fmt.Errorf("%v is an interface type: its dynamic values are not known when generating", t)
	}
	return 0, fmt.Errorf("%v: kind %v is not supported", t, t.Kind())
}

// bytesForm is formOf for a slice type t of uint8-kinded elements:
// encoding/json writes them in base64 unless a pointer to the element type
// has a marshaling method.
func bytesForm(t reflect.Type) (form, error) {
	p := reflect.PointerTo(t.Elem())
	if p.Implements(marshalerType) || p.Implements(textMarshalerType) {
		return 0, fmt.Errorf("%v: byte slices whose elements have marshaling methods are not supported", t)
	}
	if t.Elem() != reflect.TypeFor[byte]() {
		return 0, fmt.Errorf("%v: byte slices of a named byte type are not supported", t)
	}
	return formBytes, nil
}

// checkMapKey fails on a map key type k that encoding/json does not write
// from the key's string or integer value alone.
func checkMapKey(k reflect.Type) error {
	switch k.Kind() {
	case reflect.String:
		// The string itself, whatever the methods.
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if k.Implements(textMarshalerType) {
			return fmt.Errorf("map key %v has a MarshalText method, which the generator does not support", k)
		}
		return nil
	}
	return fmt.Errorf("map key %v: kind %v is not supported", k, k.Kind())
}

// components are the types whose values are written as part of a value of
// type t of form f: the field types of a struct, the element of the
// others; none for a MarshalJSON method, which writes the whole value. A
// map's key is not one: checkMapKey checks it, and encoding/json writes
// keys from their string or integer value, whatever their methods.
func components(t reflect.Type, f form) []reflect.Type {
	switch f {
	case formStruct:
		var ts []reflect.Type
		for _, fd := range objectFields(t) {
			ts = append(ts, fd.typ)
		}
		return ts
	case formPointer, formSlice, formArray, formMap:
		return []reflect.Type{t.Elem()}
	}
	return nil
}
