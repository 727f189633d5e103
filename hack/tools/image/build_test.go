package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
)

// TestBuildRejectsBadInputAndKeepsTheEarlierImage gives build one mistake
// at a time; each must be named in the error, and the image an earlier
// build left must still be there, untouched.
func TestBuildRejectsBadInputAndKeepsTheEarlierImage(t *testing.T) {
	dir := t.TempDir()
	noCerts := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(noCerts, []byte("-----BEGIN NOTHING-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		change  func(*options)
		wantErr string
	}{
		{"tag", func(o *options) { o.tag = "Croupier:not a tag" }, `image tag "Croupier:not a tag"`},
		{"epoch word", func(o *options) { o.epoch = "yesterday" }, `SOURCE_DATE_EPOCH "yesterday"`},
		{"epoch negative", func(o *options) { o.epoch = "-1" }, `SOURCE_DATE_EPOCH "-1"`},
		{"epoch fraction", func(o *options) { o.epoch = "1700000000.5" }, `SOURCE_DATE_EPOCH "1700000000.5"`},
		{"missing CA bundle", func(o *options) { o.caCerts = filepath.Join(dir, "absent.crt") }, "absent.crt: no such file"},
		{"CA bundle without certificates", func(o *options) { o.caCerts = noCerts }, "empty.pem holds no PEM certificate"},
		{"source not a module", func(o *options) { o.repo = dir }, "is not a Go module"},
		{"no architecture", func(o *options) { o.goarch = "" }, "no target architecture"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "croupier-image.tar")
			if err := os.WriteFile(out, []byte("the earlier image"), 0o644); err != nil {
				t.Fatal(err)
			}
			o := defaultOptions(out)
			o.ociPath = filepath.Join(filepath.Dir(out), "oci")
			tc.change(&o)
			_, err := build(t.Context(), o)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("build: %v, want an error naming %q", err, tc.wantErr)
			}
			if got, _ := os.ReadFile(out); string(got) != "the earlier image" {
				t.Errorf("the earlier tarball changed: %q", got)
			}
			if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
				t.Errorf("build left %d files beside the tarball, want none", len(entries)-1)
			}
		})
	}
}

func TestParseEpoch(t *testing.T) {
	for in, want := range map[string]string{
		"":           "1970-01-01T00:00:00Z",
		"0":          "1970-01-01T00:00:00Z",
		"1764460800": "2025-11-30T00:00:00Z",
	} {
		got, err := parseEpoch(in)
		if err != nil || got.Format("2006-01-02T15:04:05Z07:00") != want {
			t.Errorf("parseEpoch(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
}

func TestContainerdName(t *testing.T) {
	for in, want := range map[string]string{
		"croupier:dev":                    "docker.io/library/croupier:dev",
		"acme/croupier:0.1.0":             "docker.io/acme/croupier:0.1.0",
		"ghcr.io/croupier-dev/croupier:1": "ghcr.io/croupier-dev/croupier:1",
		"registry.local:5000/croupier:x":  "registry.local:5000/croupier:x",
	} {
		tag, err := name.NewTag(in, name.WeakValidation)
		if err != nil {
			t.Fatal(err)
		}
		if got := containerdName(tag); got != want {
			t.Errorf("containerdName(%s) = %s, want %s", in, got, want)
		}
	}
}
