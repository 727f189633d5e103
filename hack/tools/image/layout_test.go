package main

import (
	"io"
	"log"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestLayoutPushesWithThePrintedDigest pushes the OCI layout as crane or
// skopeo would and wants the registry to serve it under the digest make
// image printed, with the same config and layers as the tarball.
func TestLayoutPushesWithThePrintedDigest(t *testing.T) {
	a := readArchive(t, imageUnderTest(t))
	idx, err := layout.ImageIndexFromPath(layoutUnderTest(t))
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != 1 {
		t.Fatalf("the layout holds %d manifests, want 1", len(im.Manifests))
	}
	desc := im.Manifests[0]
	tag, err := name.NewTag(a.repoTags[0], name.WeakValidation)
	if err != nil {
		t.Fatal(err)
	}
	if got := desc.Annotations["org.opencontainers.image.ref.name"]; got != tag.TagStr() {
		t.Errorf("layout ref.name %q, want %q (skopeo's oci:DIR:%s)", got, tag.TagStr(), tag.TagStr())
	}
	img, err := idx.Image(desc.Digest)
	if err != nil {
		t.Fatal(err)
	}
	cfgName, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.blobs[cfgName.String()]; !ok {
		t.Errorf("the layout's config %s is not the tarball's", cfgName)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var hexes []string
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		hexes = append(hexes, d.Hex)
	}
	var want []string
	for _, l := range a.layers {
		want = append(want, strings.TrimSuffix(l, ".tar.gz"))
	}
	if !slices.Equal(hexes, want) {
		t.Errorf("layout layers %v, tarball layers %v", hexes, want)
	}

	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	ref, err := name.NewTag(strings.TrimPrefix(reg.URL, "http://")+"/croupier:"+tag.TagStr(), name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	pushed, err := remote.Head(ref)
	if err != nil {
		t.Fatal(err)
	}
	if pushed.Digest != desc.Digest {
		t.Errorf("the registry serves %s as %s, want the layout's %s", ref, pushed.Digest, desc.Digest)
	}
	pulled, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pulled.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Config.User != "65532:65532" {
		t.Errorf("pulled image runs as %q", cfg.Config.User)
	}
}
