package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The user every Croupier pod runs as; the chart's securityContext names the
// same number, and the image says it too so `docker run` is not root either.
const nonrootUID = 65532

// entry is one file or directory of a layer. Every header field that tar
// would otherwise fill from the build machine (owner names, times, the
// umask) is fixed here, so the same inputs give the same bytes.
type entry struct {
	name string
	mode int64
	uid  int
	data []byte // nil for a directory
}

// passwd and group name the numeric user, for tools that look it up; the
// Dockerfile copies the same two files.
//
//go:embed rootfs/etc/passwd
var passwd []byte

//go:embed rootfs/etc/group
var group []byte

// baseEntries are what the static binary needs from an operating system:
// CA certificates for TLS to Redis, and a passwd and group entry so the
// numeric user has a name and a home. Nothing here can be executed.
func baseEntries(caCerts []byte) []entry {
	return []entry{
		{name: "etc/", mode: 0o755},
		{name: "etc/group", mode: 0o644, data: group},
		{name: "etc/passwd", mode: 0o644, data: passwd},
		{name: "etc/ssl/", mode: 0o755},
		{name: "etc/ssl/certs/", mode: 0o755},
		{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: caCerts},
		{name: "home/", mode: 0o755},
		{name: "home/nonroot/", mode: 0o700, uid: nonrootUID},
		{name: "tmp/", mode: 0o1777},
	}
}

// binaryEntries hold the programs alone, in the fixed order of programs,
// owned by root so the user they run as cannot replace them.
func binaryEntries(binaries map[string][]byte) []entry {
	var entries []entry
	for _, p := range programs {
		entries = append(entries, entry{name: p.name, mode: 0o755, data: binaries[p.name]})
	}
	return entries
}

// buildLayer writes the entries as a tar stream, compresses it once at the
// best gzip level (the size users pull) and wraps the result as an OCI
// layer. Go's gzip writes no name or time into its header, so the blob's
// digest depends on the entries alone.
func buildLayer(entries []entry, mtime time.Time) (v1.Layer, error) {
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	for _, e := range entries {
		hdr := &tar.Header{
			Name:    e.name,
			Mode:    e.mode,
			Uid:     e.uid,
			Gid:     e.uid,
			ModTime: mtime,
			Format:  tar.FormatUSTAR,
		}
		if e.data == nil {
			hdr.Typeflag = tar.TypeDir
		} else {
			hdr.Typeflag = tar.TypeReg
			hdr.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("layer entry %s: %w", e.name, err)
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, fmt.Errorf("layer entry %s: %w", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	var zipped bytes.Buffer
	zw, err := gzip.NewWriterLevel(&zipped, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	blob := zipped.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(blob)), nil
	}, tarball.WithMediaType(types.OCILayer))
}
