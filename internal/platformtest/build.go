package platformtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
)

// BuildBinaries builds the image's two programs into dir, in one go
// build: croupier (operator, router, matchmaker) and croupier-gameserver
// (every game pod). It compiles the way the image does (-trimpath, no
// cgo), so `make test`, which builds the image first, compiles each
// package for these binaries once instead of twice.
func BuildBinaries(dir string) (croupier, gameserver string, err error) {
	cmd := exec.Command("go", "build", "-trimpath", "-o", dir+string(filepath.Separator), ".", "./gameserver/cmd/croupier-gameserver")
	cmd.Dir = gameroomtest.RepoPath()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go build croupier and croupier-gameserver: %w\n%s", err, out)
	}
	return filepath.Join(dir, "croupier"), filepath.Join(dir, "croupier-gameserver"), nil
}
