package main

import (
	"archive/tar"
	"bytes"
	"crypto/x509"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// maxCompressed is what pulling the image may cost: config and layers as a
// registry stores them.
const maxCompressed = 30_000_000

func TestImageRunsAsNonRootNumericUser(t *testing.T) {
	a := readArchive(t, imageUnderTest(t))
	// Numeric, so the kubelet can enforce runAsNonRoot without a passwd lookup.
	if got := a.config.Config.User; got != "65532:65532" {
		t.Errorf("config user = %q, want 65532:65532", got)
	}
	if got := string(a.file(t, "/etc/passwd").data); !strings.Contains(got, "\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n") {
		t.Errorf("/etc/passwd has no nonroot entry for 65532:\n%s", got)
	}
	if got := string(a.file(t, "/etc/group").data); !strings.Contains(got, "\nnonroot:x:65532:\n") {
		t.Errorf("/etc/group has no nonroot group 65532:\n%s", got)
	}
	if home := a.file(t, "/home/nonroot").hdr; home.Uid != 65532 || home.Gid != 65532 {
		t.Errorf("/home/nonroot belongs to %d:%d, want 65532:65532", home.Uid, home.Gid)
	}
	for _, p := range imagePrograms {
		if bin := a.file(t, p.path).hdr; bin.Uid != 0 || bin.Mode&0o022 != 0 {
			t.Errorf("%s is owned by %d with mode %o; the user it runs as must not be able to replace it", p.path, bin.Uid, bin.Mode)
		}
	}
}

// imagePrograms are the executables the image must hold, each with the
// main package it is built from and how it answers -h: croupier is the
// entrypoint and runs every role; croupier-gameserver is what game pods
// run (controllers.GameServerProgram), taking the same arguments.
var imagePrograms = []struct {
	path, mainPkg string
	help          []string
	helpExit      int
	helpWants     []string
}{
	{"/croupier", "github.com/croupier-dev/croupier", []string{"-h"}, 0,
		[]string{"usage: croupier <role>", "operator", "gameserver", "router"}},
	{"/croupier-gameserver", "github.com/croupier-dev/croupier/gameserver/cmd/croupier-gameserver", []string{"gameserver", "-h"}, 0,
		[]string{"usage: croupier gameserver", "CROUPIER_* environment variables"}},
}

func TestImageEntrypointIsTheBinary(t *testing.T) {
	a := readArchive(t, imageUnderTest(t))
	c := a.config
	if !slices.Equal(c.Config.Entrypoint, []string{"/croupier"}) || len(c.Config.Cmd) != 0 {
		t.Errorf("entrypoint %q cmd %q, want [/croupier] and no cmd (the role is the first argument)", c.Config.Entrypoint, c.Config.Cmd)
	}
	if c.OS != "linux" || c.Architecture == "" {
		t.Errorf("platform %s/%s, want linux/<arch>", c.OS, c.Architecture)
	}
	want := os.Getenv("CROUPIER_IMAGE_TAG")
	if want == "" {
		want = "croupier:dev"
	}
	if !slices.Contains(a.repoTags, want) {
		t.Errorf("docker load would name the image %q, want %q", a.repoTags, want)
	}
}

// shells are the interpreters an attacker with a foothold would look for.
var shells = []string{"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "busybox", "toybox"}

func TestImageHasNoShell(t *testing.T) {
	for _, problem := range shellRisks(readArchive(t, imageUnderTest(t))) {
		t.Error(problem)
	}
}

// shellRisks lists what in an image could give an attacker a shell: a
// shell or multi-call binary by name, a link (which a later layer could
// aim at one), an executable other than /croupier and
// /croupier-gameserver, or a system bin folder.
func shellRisks(a *archive) []string {
	var risks, executables []string
	for _, p := range a.order {
		hdr := a.files[p].hdr
		if slices.Contains(shells, path.Base(p)) {
			risks = append(risks, "the image holds "+p)
		}
		switch hdr.Typeflag {
		case '0', '5': // regular files and directories only
		default:
			risks = append(risks, fmt.Sprintf("%s is of tar type %q, not a file or directory", p, hdr.Typeflag))
		}
		if hdr.Typeflag == '0' && hdr.Mode&0o111 != 0 {
			executables = append(executables, p)
		}
	}
	if want := []string{"/croupier", "/croupier-gameserver"}; !slices.Equal(executables, want) {
		risks = append(risks, fmt.Sprintf("executable files %v, want exactly %v", executables, want))
	}
	for _, dir := range []string{"/bin", "/sbin", "/usr/bin", "/usr/sbin"} {
		if _, ok := a.files[dir]; ok {
			risks = append(risks, "the image has "+dir)
		}
	}
	return risks
}

// TestShellRisksFindsAShell holds the check above to images that have one.
func TestShellRisksFindsAShell(t *testing.T) {
	image := func(files ...*tar.Header) *archive {
		a := &archive{files: map[string]*layerFile{}}
		programs := []*tar.Header{{Name: "croupier", Typeflag: '0', Mode: 0o755}, {Name: "croupier-gameserver", Typeflag: '0', Mode: 0o755}}
		for _, h := range append(programs, files...) {
			p := path.Clean("/" + h.Name)
			a.order = append(a.order, p)
			a.files[p] = &layerFile{hdr: h}
		}
		return a
	}
	if risks := shellRisks(image(&tar.Header{Name: "etc/passwd", Typeflag: '0', Mode: 0o644})); len(risks) != 0 {
		t.Errorf("a clean image has risks: %v", risks)
	}
	for name, a := range map[string]*archive{
		"busybox, not executable": image(&tar.Header{Name: "opt/busybox", Typeflag: '0', Mode: 0o644}),
		"an executable":           image(&tar.Header{Name: "opt/tool", Typeflag: '0', Mode: 0o755}),
		"a symlink":               image(&tar.Header{Name: "croupier-sh", Typeflag: '2', Linkname: "/bin/sh"}),
		"a hard link":             image(&tar.Header{Name: "again", Typeflag: '1', Linkname: "croupier"}),
		"an empty /bin":           image(&tar.Header{Name: "bin/", Typeflag: '5', Mode: 0o755}),
		"a dash":                  image(&tar.Header{Name: "usr/local/dash", Typeflag: '0', Mode: 0o755}),
	} {
		if risks := shellRisks(a); len(risks) == 0 {
			t.Errorf("an image with %s passes the no-shell check", name)
		}
	}
	// Each program is required: an image that lacks one fails too.
	for _, missing := range []string{"/croupier", "/croupier-gameserver"} {
		a := image()
		delete(a.files, missing)
		a.order = slices.DeleteFunc(a.order, func(p string) bool { return p == missing })
		if risks := shellRisks(a); len(risks) == 0 {
			t.Errorf("an image without %s passes the check", missing)
		}
	}
}

// TestImageBinariesAreStaticAndRun extracts each program as a container
// engine would and runs it: without a dynamic loader or libc in the
// image, only a static binary starts.
func TestImageBinariesAreStaticAndRun(t *testing.T) {
	a := readArchive(t, imageUnderTest(t))
	for _, p := range imagePrograms {
		t.Run(path.Base(p.path), func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), path.Base(p.path))
			f := a.file(t, p.path)
			if err := os.WriteFile(bin, f.data, os.FileMode(f.hdr.Mode).Perm()); err != nil {
				t.Fatal(err)
			}
			checkStatic(t, p.path, bin)

			info, err := buildinfo.ReadFile(bin)
			if err != nil {
				t.Fatal(err)
			}
			if info.Path != p.mainPkg {
				t.Errorf("%s is built from %s, want %s", p.path, info.Path, p.mainPkg)
			}
			settings := map[string]string{}
			for _, s := range info.Settings {
				settings[s.Key] = s.Value
			}
			for k, want := range map[string]string{"CGO_ENABLED": "0", "-trimpath": "true", "GOOS": "linux", "GOARCH": a.config.Architecture} {
				if settings[k] != want {
					t.Errorf("%s built with %s=%q, want %q", p.path, k, settings[k], want)
				}
			}

			if a.config.Architecture != runtime.GOARCH {
				t.Skipf("the image is for %s; this machine runs %s binaries only", a.config.Architecture, runtime.GOARCH)
			}
			var stderr bytes.Buffer
			cmd := exec.Command(bin, p.help...)
			cmd.Stderr = &stderr
			cmd.Env = []string{} // the image sets no environment
			err = cmd.Run()
			code := 0
			if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatalf("%s %v: %v", p.path, p.help, err)
			}
			if code != p.helpExit {
				t.Fatalf("%s %v: %v, want exit status %d with the usage\n%s", p.path, p.help, err, p.helpExit, &stderr)
			}
			for _, want := range p.helpWants {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("%s %v printed no %q:\n%s", p.path, p.help, want, &stderr)
				}
			}
		})
	}
}

// checkStatic fails unless bin is a static ELF binary stripped as
// -ldflags "-s -w" strips it.
func checkStatic(t *testing.T, name, bin string) {
	t.Helper()
	exe, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("%s is not an ELF binary: %v", name, err)
	}
	defer exe.Close()
	for _, p := range exe.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s asks for a dynamic loader; the image has none", name)
		}
	}
	if libs, _ := exe.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s links %v; the image has no libraries", name, libs)
	}
	// -trimpath keeps -ldflags out of the build info, so look for what
	// -s and -w strip.
	for _, sec := range exe.Sections {
		if sec.Name == ".symtab" || strings.HasPrefix(sec.Name, ".debug_") || strings.HasPrefix(sec.Name, ".zdebug_") {
			t.Errorf("%s keeps section %s; it should be built with -ldflags \"-s -w\"", name, sec.Name)
		}
	}
}

func TestImageCarriesCACertificates(t *testing.T) {
	a := readArchive(t, imageUnderTest(t))
	f := a.file(t, "/etc/ssl/certs/ca-certificates.crt")
	if f.hdr.Mode&0o444 != 0o444 {
		t.Errorf("CA bundle mode %o: user 65532 must be able to read it", f.hdr.Mode)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(f.data) {
		t.Fatal("the CA bundle holds no certificate Go can load")
	}
	src := os.Getenv("CROUPIER_IMAGE_CA_CERTS")
	if src == "" {
		src = "/etc/ssl/certs/ca-certificates.crt"
	}
	want, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.data, want) {
		t.Errorf("the image's CA bundle (%d bytes) differs from %s (%d bytes)", len(f.data), src, len(want))
	}
}

func TestImageLabelsAndTimesAreFixed(t *testing.T) {
	a := readArchive(t, imageUnderTest(t))
	labels := a.config.Config.Labels
	for _, k := range []string{"source", "version", "revision", "created"} {
		if labels["org.opencontainers.image."+k] == "" {
			t.Errorf("label org.opencontainers.image.%s is empty; labels: %v", k, labels)
		}
	}
	created, err := time.Parse(time.RFC3339, labels["org.opencontainers.image.created"])
	if err != nil {
		t.Fatal(err)
	}
	if !a.config.Created.Time.Equal(created) {
		t.Errorf("config created %s, label says %s", a.config.Created.Time, created)
	}
	for _, h := range a.config.History {
		if !h.Created.Time.Equal(created) {
			t.Errorf("history %q created %s, want %s", h.CreatedBy, h.Created.Time, created)
		}
	}
	for _, p := range a.order {
		if mt := a.files[p].hdr.ModTime; !mt.Equal(created) {
			t.Errorf("%s modified %s, want the fixed %s", p, mt, created)
		}
	}
}

func TestImageSize(t *testing.T) {
	a := readArchive(t, imageUnderTest(t))
	var compressed int64
	for name, blob := range a.blobs {
		if name != "manifest.json" {
			compressed += int64(len(blob))
		}
	}
	st, err := os.Stat(imageUnderTest(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tarball %d bytes, config and layers %d bytes compressed, layers %d bytes uncompressed, /croupier %d bytes, /croupier-gameserver %d bytes",
		st.Size(), compressed, a.uncompressedSize(t), len(a.file(t, "/croupier").data), len(a.file(t, "/croupier-gameserver").data))
	if compressed > maxCompressed {
		t.Errorf("the image is %d bytes compressed, over the %d-byte budget", compressed, maxCompressed)
	}
}

// TestImageIsReproducible builds the image again from the same source and
// inputs, read back from the image under check, and wants the same bytes:
// the same digest on every machine that builds this commit.
func TestImageIsReproducible(t *testing.T) {
	a := readArchive(t, imageUnderTest(t))
	labels := a.config.Config.Labels
	o := defaultOptions(filepath.Join(t.TempDir(), "again.tar"))
	o.goarch = a.config.Architecture
	o.epoch = strconv.FormatInt(a.config.Created.Unix(), 10)
	o.version = labels["org.opencontainers.image.version"]
	o.revision = labels["org.opencontainers.image.revision"]
	o.source = labels["org.opencontainers.image.source"]
	o.licenses = labels["org.opencontainers.image.licenses"]
	o.tag = a.repoTags[0]
	if ca := os.Getenv("CROUPIER_IMAGE_CA_CERTS"); ca != "" {
		o.caCerts = ca
	}
	r, err := build(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	b := readArchive(t, o.tarPath)
	if !slices.Equal(a.layers, b.layers) {
		t.Errorf("layers differ between two builds:\n%v\n%v", a.layers, b.layers)
	}
	first, err := os.ReadFile(imageUnderTest(t))
	if err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(o.tarPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("two builds of one source differ (second digest %s)", r.digest)
	}
	t.Logf("rebuilt: digest %s", r.digest)
}
