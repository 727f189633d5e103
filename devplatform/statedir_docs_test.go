package devplatform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The state directory (docs/LOCAL.md, Files): a second `croupier dev` on
// it refuses to start, logs of the last run stay until the next run
// starts, and git ignores all of it.
func TestStateDirIsLockedAndClearsOldLogsAtStart(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".croupier")
	first, err := openStateDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openStateDir(root); err == nil || !strings.Contains(err.Error(), "another croupier dev is already running") {
		t.Fatalf("second platform on the same state directory: %v, want a refusal", err)
	}
	if _, err := first.logFile("operator").Write([]byte("last run\n")); err != nil {
		t.Fatal(err)
	}
	podLog := first.path("pods", "default_t-game.log")
	if err := os.WriteFile(podLog, []byte("last run\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	first.close()
	for _, f := range []string{first.path("logs", "operator.log"), podLog} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("after the run: %v, want %s kept for reading", err, f)
		}
	}

	next, err := openStateDir(root)
	if err != nil {
		t.Fatalf("the next run: %v", err)
	}
	defer next.close()
	for _, f := range []string{next.path("logs", "operator.log"), podLog} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s survived into the next run (%v)", f, err)
		}
	}
	if ignore, err := os.ReadFile(next.path(".gitignore")); err != nil || !strings.Contains(string(ignore), "*") {
		t.Errorf(".gitignore: %q %v, want one that ignores everything", ignore, err)
	}
}
