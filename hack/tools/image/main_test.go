package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// repoRoot is the croupier module three folders up.
var repoRoot = func() string {
	root, err := filepath.Abs("../../..")
	if err != nil {
		panic(err)
	}
	return root
}()

var (
	builtOnce sync.Once
	builtTar  string
	builtOCI  string
	builtErr  error
	builtDir  string
)

// imageUnderTest is the image the checks read: the one `make image` built
// when the Makefile names it in CROUPIER_IMAGE_TAR (what CI checks),
// otherwise one built here, once per run, from this repository.
func imageUnderTest(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CROUPIER_IMAGE_TAR"); p != "" {
		return p
	}
	builtOnce.Do(func() {
		builtDir, builtErr = os.MkdirTemp("", "croupier-image-test-")
		if builtErr != nil {
			return
		}
		builtTar = filepath.Join(builtDir, "croupier-image.tar")
		builtOCI = filepath.Join(builtDir, "croupier-image.oci")
		o := defaultOptions(builtTar)
		o.ociPath = builtOCI
		o.revision = gitOutput("rev-parse", "HEAD")
		o.epoch = gitOutput("log", "-1", "--format=%ct")
		_, builtErr = build(context.Background(), o)
	})
	if builtErr != nil {
		t.Fatalf("building the image to check: %v", builtErr)
	}
	return builtTar
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// layoutUnderTest is the OCI layout written beside imageUnderTest.
func layoutUnderTest(t *testing.T) string {
	t.Helper()
	if os.Getenv("CROUPIER_IMAGE_TAR") != "" {
		p := os.Getenv("CROUPIER_IMAGE_OCI")
		if p == "" {
			t.Fatal("CROUPIER_IMAGE_TAR is set but CROUPIER_IMAGE_OCI, its layout, is not")
		}
		return p
	}
	imageUnderTest(t)
	return builtOCI
}

// defaultOptions are main's defaults, for the repository under test.
func defaultOptions(tarPath string) options {
	return options{
		repo:    repoRoot,
		goarch:  runtime.GOARCH,
		caCerts: "/etc/ssl/certs/ca-certificates.crt",
		version: "dev",
		source:  "https://github.com/croupier-dev/croupier",
		tag:     "croupier:dev",
		tarPath: tarPath,
	}
}

func gitOutput(args ...string) string {
	cmd := exec.Command("git", args...)
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
