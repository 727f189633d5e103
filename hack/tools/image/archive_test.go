package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// archive is a docker-archive tarball read the way `docker load` reads
// it: manifest.json names the config and the layers in order, and the
// layers are gzipped tar streams applied one over the other. It is read
// with the standard library alone, not the library that wrote it.
type archive struct {
	repoTags []string
	config   v1.ConfigFile
	blobs    map[string][]byte // config and layers, by their name in the tarball
	layers   []string
	files    map[string]*layerFile // the merged file system
	order    []string              // every path as the layers list it
}

type layerFile struct {
	hdr  *tar.Header
	data []byte
}

// archives holds each tarball read so far: the checks only read, and
// unpacking 50 MB once per check would dominate the run.
var archives = map[string]*archive{}

func readArchive(t *testing.T, p string) *archive {
	t.Helper()
	if a, ok := archives[p]; ok {
		return a
	}
	a := unpackArchive(t, p)
	archives[p] = a
	return a
}

func unpackArchive(t *testing.T, p string) *archive {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := &archive{blobs: map[string][]byte{}, files: map[string]*layerFile{}}
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		a.blobs[hdr.Name] = data
	}
	var manifest []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(a.blobs["manifest.json"], &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if len(manifest) != 1 {
		t.Fatalf("manifest.json lists %d images, want 1", len(manifest))
	}
	a.repoTags, a.layers = manifest[0].RepoTags, manifest[0].Layers
	if err := json.Unmarshal(a.blobs[manifest[0].Config], &a.config); err != nil {
		t.Fatalf("config %s: %v", manifest[0].Config, err)
	}
	for _, l := range a.layers {
		a.applyLayer(t, l)
	}
	return a
}

func (a *archive) applyLayer(t *testing.T, name string) {
	t.Helper()
	blob, ok := a.blobs[name]
	if !ok {
		t.Fatalf("layer %s is not in the tarball", name)
	}
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		t.Fatalf("layer %s: %v", name, err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("layer %s: %v", name, err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		p := path.Clean("/" + hdr.Name)
		if _, seen := a.files[p]; !seen {
			a.order = append(a.order, p)
		}
		a.files[p] = &layerFile{hdr: hdr, data: data}
	}
}

func (a *archive) file(t *testing.T, p string) *layerFile {
	t.Helper()
	f, ok := a.files[p]
	if !ok {
		t.Fatalf("the image has no %s; it has %v", p, a.order)
	}
	return f
}

// uncompressedSize is what the layers take once unpacked, as tar streams.
func (a *archive) uncompressedSize(t *testing.T) int64 {
	var n int64
	for _, l := range a.layers {
		zr, err := gzip.NewReader(bytes.NewReader(a.blobs[l]))
		if err != nil {
			t.Fatal(err)
		}
		m, err := io.Copy(io.Discard, zr)
		if err != nil {
			t.Fatal(err)
		}
		n += m
	}
	return n
}
