package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfileBuildsTheSameImage holds the Dockerfile, for those who
// build with Docker, to what `make image` builds: the same compiler
// flags, Go release, files, user and entrypoint on an empty base.
func TestDockerfileBuildsTheSameImage(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := strings.ReplaceAll(string(raw), "\\\n", " ")
	stages := strings.Split(df, "\nFROM ")
	final := stages[len(stages)-1]

	gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVersion == nil {
		t.Fatal("go.mod names no go version")
	}
	buildLine := fmt.Sprintf(`CGO_ENABLED=0 go build %s %s %q`, goBuildFlags[0], goBuildFlags[1], goBuildFlags[2])
	for _, want := range []struct{ in, text, why string }{
		{df, "FROM golang:" + string(goVersion[1]), "the Go release go.mod names"},
		{df, buildLine, "the compiler flags of make image"},
		{df, "/etc/ssl/certs/ca-certificates.crt", "the CA bundle"},
		{df, "hack/tools/image/rootfs/etc/passwd", "the passwd file make image embeds"},
		{df, "hack/tools/image/rootfs/etc/group", "the group file make image embeds"},
		{df, "chmod 1777 /rootfs/tmp", "a /tmp like make image's"},
		{final, "scratch\n", "an empty base"},
		{final, fmt.Sprintf("USER %d:%d\n", nonrootUID, nonrootUID), "the numeric non-root user"},
		{df, "-o /out/ . ./gameserver/cmd/croupier-gameserver", "both programs of make image"},
		{final, "COPY --from=build /out/croupier /croupier\n", "the croupier binary"},
		{final, "COPY --from=build /out/croupier-gameserver /croupier-gameserver\n", "the lean game server binary"},
		{final, `ENTRYPOINT ["/croupier"]`, "the entrypoint"},
		{final, `org.opencontainers.image.source="https://github.com/croupier-dev/croupier"`, "the source label"},
	} {
		if !strings.Contains(want.in, want.text) {
			t.Errorf("the Dockerfile lacks %s: %s", want.why, want.text)
		}
	}
	if strings.Contains(final, "RUN ") {
		t.Error("the final stage runs a command; without a shell it cannot")
	}
}
