package nsenter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Environment variables that turn a re-exec of the runtime binary into a
// container init and tell the C stage where its sync socket is.
const (
	EnvInit   = "_OCIRUN_INIT"   // "1" in an init or exec child
	EnvSyncFD = "_OCIRUN_SYNCFD" // fd number of the sync socket
)

// Frame types of the parent<->child sync protocol (docs/sync-protocol.md).
// 1-15 belong to the C stage; libcontainer uses 16 and up.
const (
	MsgBootstrap  uint32 = 1 // parent -> C: TLV attributes (Bootstrap)
	MsgUsermapReq uint32 = 2 // C -> parent: uint32 pid; write its uid/gid maps
	MsgUsermapAck uint32 = 3 // parent -> C: maps written
	MsgChildPid   uint32 = 4 // C -> parent: uint32 host pid of the Go init
	MsgError      uint32 = 5 // either way: UTF-8 error text, then exit
	MsgExecSpec   uint32 = 6 // parent -> C exec stage: TLV attributes (ExecSpec)
)

// Size limits: no frame may claim more than MaxFrame bytes, and the
// bootstrap (parsed by C) no more than MaxBootstrap.
const (
	MaxFrame     = 16 << 20
	MaxBootstrap = 1 << 20
	MaxExecSpec  = 8 << 20
)

// ErrFrameTooLarge is returned when a frame header claims more than allowed.
var ErrFrameTooLarge = errors.New("sync frame too large")

// WriteFrame writes one frame: uint32 type, uint32 length (little endian),
// then the payload, in a single write.
func WriteFrame(w io.Writer, typ uint32, payload []byte) error {
	if len(payload) > MaxFrame {
		return ErrFrameTooLarge
	}
	buf := make([]byte, 8+len(payload))
	binary.LittleEndian.PutUint32(buf[0:4], typ)
	binary.LittleEndian.PutUint32(buf[4:8], uint32(len(payload)))
	copy(buf[8:], payload)
	_, err := w.Write(buf)
	return err
}

// ReadFrame reads one frame, refusing payloads longer than max bytes.
func ReadFrame(r io.Reader, max uint32) (uint32, []byte, error) {
	var hdr [8]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	typ := binary.LittleEndian.Uint32(hdr[0:4])
	n := binary.LittleEndian.Uint32(hdr[4:8])
	if n > max {
		return 0, nil, fmt.Errorf("frame type %d of %d bytes: %w", typ, n, ErrFrameTooLarge)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, fmt.Errorf("frame type %d: %w", typ, err)
	}
	return typ, payload, nil
}
