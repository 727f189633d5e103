package main

import (
	"os"
	"path/filepath"
	"testing"
)

// croupier dev runs game pods with the croupier-gameserver that make build
// puts beside croupier, and with croupier itself when there is none.
func TestSiblingGameserver(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "croupier")
	lean := filepath.Join(dir, "croupier-gameserver")
	if got := siblingGameserver(self); got != "" {
		t.Errorf("no croupier-gameserver beside croupier: got %q, want none", got)
	}
	if err := os.WriteFile(lean, []byte("not runnable"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := siblingGameserver(self); got != "" {
		t.Errorf("a croupier-gameserver that is not executable: got %q, want none", got)
	}
	if err := os.Chmod(lean, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := siblingGameserver(self); got != lean {
		t.Errorf("got %q, want %q", got, lean)
	}
}
