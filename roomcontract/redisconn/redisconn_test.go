package redisconn

import (
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"single by default", Options{Addrs: []string{"r:6379"}}, ""},
		{"single with two addresses", Options{Mode: ModeSingle, Addrs: []string{"a:1", "b:1"}}, "exactly one address"},
		{"single without address", Options{}, "exactly one address"},
		{"sentinel", Options{Mode: ModeSentinel, Addrs: []string{"s:26379"}, MasterName: "m"}, ""},
		{"sentinel without master", Options{Mode: ModeSentinel, Addrs: []string{"s:26379"}}, "master name"},
		{"cluster", Options{Mode: ModeCluster, Addrs: []string{"a:1", "b:1"}}, ""},
		{"cluster with a database", Options{Mode: ModeCluster, Addrs: []string{"a:1"}, DB: 2}, "no databases"},
		{"unknown mode", Options{Mode: "replica", Addrs: []string{"a:1"}}, `"replica" is not one of`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
			if _, cerr := tt.opts.Client(); cerr == nil {
				t.Fatal("Client() opened a client for invalid options")
			}
		})
	}
}

func TestClientKindFollowsMode(t *testing.T) {
	for mode, want := range map[string]string{
		ModeSingle:   "*redis.Client",
		ModeSentinel: "*redis.Client", // a failover client is a *redis.Client
		ModeCluster:  "*redis.ClusterClient",
	} {
		c, err := Options{Mode: mode, Addrs: []string{"127.0.0.1:1"}, MasterName: "m"}.Client()
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		var got string
		switch c.(type) {
		case *redis.Client:
			got = "*redis.Client"
		case *redis.ClusterClient:
			got = "*redis.ClusterClient"
		}
		if got != want {
			t.Errorf("mode %s opened %T, want %s", mode, c, want)
		}
		_ = c.Close()
	}
}

func TestParseAddrs(t *testing.T) {
	got := ParseAddrs(" a:1, ,b:2,")
	if len(got) != 2 || got[0] != "a:1" || got[1] != "b:2" {
		t.Fatalf("ParseAddrs = %q", got)
	}
}
