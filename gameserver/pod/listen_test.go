package pod

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A taken address stops the server at once with an error that names it,
// before it logs "listening" or touches Redis (docs/GAMESERVER.md).
func TestATakenAddressStopsTheServerBeforeItListens(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	keys := t.TempDir()
	if err := os.WriteFile(filepath.Join(keys, "k1"), bytes.Repeat([]byte("k"), 32), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"CROUPIER_ROOM_NAMESPACE": "games", "CROUPIER_ROOM_NAME": "t1", "CROUPIER_POD_NAME": "t1-game",
		"CROUPIER_GAME": "cassino", "CROUPIER_MAX_PLAYERS": "2", "CROUPIER_SESSION_TTL": "1h",
		"CROUPIER_REDIS_ADDRS": "127.0.0.1:1", "CROUPIER_SESSION_KEYS_DIR": keys,
		"CROUPIER_LISTEN_ADDR": taken.Addr().String(),
	} {
		t.Setenv(k, v)
	}
	err = Run(nil)
	if err == nil || !strings.Contains(err.Error(), taken.Addr().String()) {
		t.Fatalf("Run on a taken address: %v, want an error naming it", err)
	}
}
