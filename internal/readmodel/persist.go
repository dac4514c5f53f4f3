package readmodel

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/stopsearch/charter/internal/index"
)

// The persisted read model is one file:
//
//	magic "CHRMODEL", format (uint32), key length (uint32), key,
//	three sections, each a length (uint64) and its bytes:
//	  the plain parts (gob), the stop index, the crime index,
//	CRC-32C (Castagnoli) of everything before it (uint32).
//
// All integers little-endian. The key is the store's DataVersion key: a
// file whose key is not the store's describes other data and is stale. The
// checksum catches a file damaged on disk or cut short; any decoding error
// counts as damage too. Either way the file is ignored and rewritten.
const (
	magic = "CHRMODEL"
	// format changes whenever the layout of the file or of what it holds
	// changes, so that a file written by another build is rebuilt.
	format = 1
)

var (
	errMissing = errors.New("no persisted read model")
	errStale   = errors.New("the persisted read model is stale")
	errDamaged = errors.New("the persisted read model is damaged")
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encode serialises a snapshot labelled with the store's key.
func encode(key string, s *Snapshot) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(s.Stops.Bytes() + 1<<20) // the columns are most of it: grown once
	b.WriteString(magic)
	le := binary.LittleEndian
	b.Write(le.AppendUint32(nil, format))
	b.Write(le.AppendUint32(nil, uint32(len(key))))
	b.WriteString(key)
	section := func(write func(w io.Writer) error) error {
		at := b.Len()
		b.Write(make([]byte, 8)) // the length, filled in below
		if err := write(&b); err != nil {
			return err
		}
		le.PutUint64(b.Bytes()[at:], uint64(b.Len()-at-8))
		return nil
	}
	if err := section(func(w io.Writer) error { return gob.NewEncoder(w).Encode(s.parts()) }); err != nil {
		return nil, fmt.Errorf("encode the read model's areas and populations: %w", err)
	}
	if err := section(func(w io.Writer) error { _, err := s.Stops.WriteTo(w); return err }); err != nil {
		return nil, fmt.Errorf("encode the stop index: %w", err)
	}
	if err := section(func(w io.Writer) error { _, err := s.Crimes.WriteTo(w); return err }); err != nil {
		return nil, fmt.Errorf("encode the crime index: %w", err)
	}
	b.Write(le.AppendUint32(nil, crc32.Checksum(b.Bytes(), castagnoli)))
	return b.Bytes(), nil
}

// readFile loads the snapshot persisted at path if it holds the data the
// key names; otherwise it says why not (errMissing, errStale, errDamaged).
func readFile(path, key string) (*Snapshot, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errMissing
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errDamaged, err)
	}
	return decode(data, key)
}

// decode reads a snapshot from the bytes of a file (see encode).
func decode(data []byte, key string) (*Snapshot, error) {
	le := binary.LittleEndian
	head := len(magic) + 8
	if len(data) < head+4 || string(data[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a read model file", errDamaged)
	}
	if f := le.Uint32(data[len(magic):]); f != format {
		return nil, fmt.Errorf("%w: written in format %d, this build reads format %d", errStale, f, format)
	}
	kn := int(le.Uint32(data[len(magic)+4:]))
	if kn > len(data)-head-4 {
		return nil, fmt.Errorf("%w: cut short", errDamaged)
	}
	if string(data[head:head+kn]) != key {
		return nil, fmt.Errorf("%w: the database changed since it was written", errStale)
	}
	body := data[:len(data)-4]
	// The checksum is computed on the other core while the sections are
	// decoded (the decoders refuse malformed bytes without panicking), and
	// nothing decoded is returned until it matches: a start from the file
	// takes the longer of the two, not their sum.
	sum := make(chan bool, 1)
	go func() { sum <- crc32.Checksum(body, castagnoli) == le.Uint32(data[len(data)-4:]) }()
	s, err := decodeSections(body[head+kn:])
	if !<-sum {
		return nil, fmt.Errorf("%w: its checksum does not match its contents", errDamaged)
	}
	return s, err
}

// decodeSections reads the three sections of a file's body (see encode).
func decodeSections(rest []byte) (*Snapshot, error) {
	le := binary.LittleEndian
	next := func() ([]byte, error) {
		if len(rest) < 8 {
			return nil, fmt.Errorf("%w: cut short", errDamaged)
		}
		n := le.Uint64(rest)
		if n > uint64(len(rest)-8) {
			return nil, fmt.Errorf("%w: cut short", errDamaged)
		}
		sec := rest[8 : 8+n]
		rest = rest[8+n:]
		return sec, nil
	}
	var p parts
	var ix *index.Index
	var cr *index.Crimes
	sec, err := next()
	if err == nil {
		if err = gob.NewDecoder(bytes.NewReader(sec)).Decode(&p); err != nil {
			err = fmt.Errorf("%w: areas and populations: %v", errDamaged, err)
		}
	}
	if err == nil {
		if sec, err = next(); err == nil {
			if ix, err = index.ReadIndex(bytes.NewReader(sec)); err != nil {
				err = fmt.Errorf("%w: stop index: %v", errDamaged, err)
			}
		}
	}
	if err == nil {
		if sec, err = next(); err == nil {
			if cr, err = index.ReadCrimes(bytes.NewReader(sec)); err != nil {
				err = fmt.Errorf("%w: crime index: %v", errDamaged, err)
			}
		}
	}
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("%w: trailing bytes", errDamaged)
	}
	if err != nil {
		return nil, err
	}
	return newSnapshot(0, ix, cr, p), nil
}

// writeFile replaces the file at path with data atomically: a reader (the
// next start) sees the old file or the new one, never a part.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-"+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
