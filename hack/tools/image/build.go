package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// options are the inputs of one image build; equal options on the same
// source tree give the same image digest.
type options struct {
	repo     string // the croupier module to compile
	goarch   string
	caCerts  string // a PEM bundle, Debian's by default
	epoch    string // SOURCE_DATE_EPOCH: every time in the image
	version  string
	revision string
	source   string
	licenses string
	tag      string // the name `docker load` gives the image
	tarPath  string // docker-archive tarball to write
	ociPath  string // OCI image layout directory to write; optional
}

type result struct {
	digest       v1.Hash
	tarBytes     int64 // the tarball file
	compressed   int64 // config and layer blobs, what a registry stores
	uncompressed int64 // the layers' files as tar streams
}

// build validates every input before it compiles anything, so a mistake
// costs no build time and leaves any earlier output in place; outputs are
// written beside their final path and renamed, so a failed build never
// leaves half an image.
func build(ctx context.Context, o options) (result, error) {
	tag, err := name.NewTag(o.tag, name.WeakValidation)
	if err != nil {
		return result{}, fmt.Errorf("image tag %q: %w", o.tag, err)
	}
	created, err := parseEpoch(o.epoch)
	if err != nil {
		return result{}, err
	}
	if o.goarch == "" {
		return result{}, errors.New("no target architecture given")
	}
	if o.tarPath == "" {
		return result{}, errors.New("no tarball path given")
	}
	if _, err := os.Stat(filepath.Join(o.repo, "go.mod")); err != nil {
		return result{}, fmt.Errorf("source %s is not a Go module: %w", o.repo, err)
	}
	ca, err := readCACerts(o.caCerts)
	if err != nil {
		return result{}, err
	}
	binaries, err := compile(ctx, o.repo, o.goarch)
	if err != nil {
		return result{}, err
	}

	base, err := buildLayer(baseEntries(ca), created)
	if err != nil {
		return result{}, err
	}
	app, err := buildLayer(binaryEntries(binaries), created)
	if err != nil {
		return result{}, err
	}
	img, err := assemble(base, app, metadata{
		goarch: o.goarch, created: created,
		version: o.version, revision: o.revision, source: o.source, licenses: o.licenses,
	})
	if err != nil {
		return result{}, err
	}

	if err := writeTarball(o.tarPath, tag, img); err != nil {
		return result{}, err
	}
	if o.ociPath != "" {
		if err := writeLayout(o.ociPath, tag, img); err != nil {
			return result{}, err
		}
	}
	return measure(o.tarPath, img)
}

// parseEpoch reads SOURCE_DATE_EPOCH as reproducible-builds.org defines it:
// whole seconds since 1970, UTC. Empty means the epoch itself.
func parseEpoch(s string) (time.Time, error) {
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	secs, err := strconv.ParseInt(s, 10, 64)
	if err != nil || secs < 0 || secs > 253402300799 { // up to year 9999
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not whole seconds since 1970", s)
	}
	return time.Unix(secs, 0).UTC(), nil
}

func readCACerts(path string) ([]byte, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("CA certificates: %w (install Debian's ca-certificates: make deps)", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA certificates: %s holds no PEM certificate", path)
	}
	return pem, nil
}

// goBuildFlags make the binaries small and free of the build machine's
// paths; with CGO_ENABLED=0 they are static. The Dockerfile uses the same.
var goBuildFlags = []string{"-trimpath", "-ldflags", "-s -w"}

// program is one executable of the image: its name at the image's root
// (go build names a main package's binary after its folder, and so does
// this) and the package it is built from.
type program struct{ name, pkg string }

// programs are every executable in the image: croupier, the entrypoint,
// runs any role; croupier-gameserver is the game pod alone, the program
// the operator's game pods run (a quarter of croupier's memory).
var programs = []program{
	{name: "croupier", pkg: "."},
	{name: "croupier-gameserver", pkg: "./gameserver/cmd/croupier-gameserver"},
}

// compile builds every program in one go build, which shares the common
// packages between them, and returns each binary by name.
func compile(ctx context.Context, repo, goarch string) (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "croupier-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	args := append(append([]string{"build"}, goBuildFlags...), "-o", dir+string(filepath.Separator))
	for _, p := range programs {
		args = append(args, p.pkg)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build in %s: %w", repo, err)
	}
	binaries := map[string][]byte{}
	for _, p := range programs {
		b, err := os.ReadFile(filepath.Join(dir, p.name))
		if err != nil {
			return nil, fmt.Errorf("go build in %s made no %s: %w", repo, p.name, err)
		}
		binaries[p.name] = b
	}
	return binaries, nil
}

func writeTarball(path string, tag name.Tag, img v1.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := tarball.WriteToFile(tmp, tag, img); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// writeLayout writes an OCI image layout whose one image is named by the
// tag, as skopeo (oci:DIR:TAG) and crane read it.
func writeLayout(path string, tag name.Tag, img v1.Image) error {
	tmp := path + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	p, err := layout.Write(tmp, empty.Index)
	if err == nil {
		err = p.AppendImage(img, layout.WithAnnotations(map[string]string{
			"org.opencontainers.image.ref.name": tag.TagStr(),
			"io.containerd.image.name":          containerdName(tag),
		}))
	}
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.RemoveAll(path); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// containerdName is the tag as containerd spells it: Docker Hub names in
// full as docker.io/library/NAME, every other registry as given.
func containerdName(tag name.Tag) string {
	if tag.RegistryStr() == name.DefaultRegistry {
		return "docker.io/" + tag.RepositoryStr() + ":" + tag.TagStr()
	}
	return tag.Name()
}

func measure(tarPath string, img v1.Image) (result, error) {
	var r result
	var err error
	if r.digest, err = img.Digest(); err != nil {
		return r, err
	}
	st, err := os.Stat(tarPath)
	if err != nil {
		return r, err
	}
	r.tarBytes = st.Size()
	cfg, err := img.RawConfigFile()
	if err != nil {
		return r, err
	}
	r.compressed = int64(len(cfg))
	layers, err := img.Layers()
	if err != nil {
		return r, err
	}
	for _, l := range layers {
		size, err := l.Size()
		if err != nil {
			return r, err
		}
		r.compressed += size
		rc, err := l.Uncompressed()
		if err != nil {
			return r, err
		}
		n, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return r, err
		}
		r.uncompressed += n
	}
	return r, nil
}
