package redisconn_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/internal/redisserver"
	. "github.com/croupier-dev/croupier/roomcontract/redisconn"
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
		{"waits for a replica", Options{Addrs: []string{"a:1"}, WaitReplicas: 1}, ""},
		{"waits for negative replicas", Options{Addrs: []string{"a:1"}, WaitReplicas: -1}, "wait replicas -1"},
		{"waits for too many replicas", Options{Mode: ModeCluster, Addrs: []string{"a:1"}, WaitReplicas: 6}, "want 0 to 5"},
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
		var idle time.Duration
		switch c := c.(type) {
		case *redis.Client:
			got, idle = "*redis.Client", c.Options().ConnMaxIdleTime
		case *redis.ClusterClient:
			got, idle = "*redis.ClusterClient", c.Options().ConnMaxIdleTime
		}
		if got != want {
			t.Errorf("mode %s opened %T, want %s", mode, c, want)
		}
		// A burst's connections are closed once idle, not kept half an hour.
		if idle != IdleConnTimeout {
			t.Errorf("mode %s: idle connections kept %s, want %s", mode, idle, IdleConnTimeout)
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

// A Redis that hangs must not hold a caller past its context deadline, nor
// past CallBound without one: probes and players get an answer.
func TestCallsAreBoundedWhileRedisHangs(t *testing.T) {
	srv := redisserver.Start(t)
	c, err := Options{Addrs: []string{srv.Addr}}.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	srv.Freeze(t)

	t.Run("a context deadline cuts the call", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		began := time.Now()
		err := c.Set(ctx, "k", "v", 0).Err()
		if took := time.Since(began); err == nil || took > 300*time.Millisecond+500*time.Millisecond {
			t.Fatalf("SET with a 300ms deadline on a frozen Redis: err %v after %s", err, took)
		}
	})
	t.Run("without a deadline the call ends within CallBound", func(t *testing.T) {
		began := time.Now()
		err := c.Get(context.Background(), "k").Err()
		if took := time.Since(began); err == nil || took > CallBound {
			t.Fatalf("GET on a frozen Redis: err %v after %s, bound %s", err, took, CallBound)
		}
		t.Logf("took %s (bound %s)", time.Since(began), CallBound)
	})
}

// Every mode gets the same bounds: the operator and the pod build their
// clients here, whatever Redis they run against.
func TestEveryModeHasTheBounds(t *testing.T) {
	for _, o := range []Options{
		{Addrs: []string{"a:1"}},
		{Mode: ModeSentinel, Addrs: []string{"s:26379"}, MasterName: "m"},
		{Mode: ModeCluster, Addrs: []string{"a:1", "b:1"}},
	} {
		c, err := o.Client()
		if err != nil {
			t.Fatal(err)
		}
		var dial, read, write time.Duration
		var ctxOn bool
		switch c := c.(type) {
		case *redis.Client:
			opt := c.Options()
			dial, read, write, ctxOn = opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.ContextTimeoutEnabled
		case *redis.ClusterClient:
			opt := c.Options()
			dial, read, write, ctxOn = opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.ContextTimeoutEnabled
		default:
			t.Fatalf("%s: client %T", o.Mode, c)
		}
		_ = c.Close()
		if dial != DialTimeout || read != ReadTimeout || write != WriteTimeout || !ctxOn {
			t.Errorf("%q: dial %s read %s write %s context deadlines %v", o.Mode, dial, read, write, ctxOn)
		}
	}
}
