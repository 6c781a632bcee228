package fscommon

import (
	"strconv"
	"strings"
)

// ReadPSI reads a pressure file ("some avg10=0.00 avg60=0.00 avg300=0.00
// total=0"); nil without error when the file does not exist.
func (d Dir) ReadPSI(name string) (*PSIStats, error) {
	if !d.Has(name) {
		return nil, nil
	}
	s, err := d.Read(name)
	if err != nil {
		return nil, err
	}
	return ParsePSI(s), nil
}

// ParsePSI parses the content of a pressure file.
func ParsePSI(s string) *PSIStats {
	var p PSIStats
	for line := range strings.SplitSeq(s, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		var data *PSIData
		switch fields[0] {
		case "some":
			data = &p.Some
		case "full":
			data = &p.Full
		default:
			continue
		}
		for _, kv := range fields[1:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "avg10":
				data.Avg10, _ = strconv.ParseFloat(v, 64)
			case "avg60":
				data.Avg60, _ = strconv.ParseFloat(v, 64)
			case "avg300":
				data.Avg300, _ = strconv.ParseFloat(v, 64)
			case "total":
				data.Total, _ = strconv.ParseUint(v, 10, 64)
			}
		}
	}
	return &p
}
