// Package redisconn turns the Redis settings shared by the operator and
// the game pod into a redis.UniversalClient: one node, Sentinel or Cluster.
package redisconn

import (
	"crypto/tls"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Modes of a Redis deployment.
const (
	ModeSingle   = "single"
	ModeSentinel = "sentinel"
	ModeCluster  = "cluster"
)

// Bounds of every Redis call made by the operator and the game pod. A
// Redis that hangs (frozen, partitioned, overloaded) costs a caller at most
// CallBound: each attempt is cut at ReadTimeout/WriteTimeout, a context
// deadline cuts it sooner (ContextTimeoutEnabled), and a timed-out attempt
// is retried at most MaxRetries times. Without these, go-redis ignores
// context deadlines on the socket, so a probe's or a player's budget meant
// nothing while Redis hung.
const (
	DialTimeout  = 2 * time.Second
	ReadTimeout  = 2 * time.Second
	WriteTimeout = 2 * time.Second
	PoolTimeout  = 3 * time.Second
	MaxRetries   = 1
	// CallBound is the longest one call can take without a context
	// deadline: every attempt waits for a pooled connection, dials, writes
	// and reads, plus the back-off between the two attempts.
	CallBound = (MaxRetries + 1) * (PoolTimeout + DialTimeout + WriteTimeout + ReadTimeout + 100*time.Millisecond)
	// IdleConnTimeout closes a pooled connection unused this long. A
	// burst (the operator's workers reading heartbeats together) opens
	// many at once; go-redis would keep them half an hour, each one a
	// client Redis holds.
	IdleConnTimeout = time.Minute
)

// Options describe how to reach Redis.
type Options struct {
	Mode       string   // single (default), sentinel or cluster
	Addrs      []string // host:port; Sentinel addresses in sentinel mode
	MasterName string   // sentinel mode only
	Username   string
	Password   string
	DB         int // single and sentinel only
	TLS        bool
	// WaitReplicas is how many replicas the game pod waits for before it
	// acknowledges an action (Redis WAIT; 0: none). Only the game pod's
	// action log uses it; the connection is the same either way.
	WaitReplicas int
}

// MaxWaitReplicas bounds WaitReplicas: a shard with more replicas than
// this is not a deployment Croupier is tested on.
const MaxWaitReplicas = 5

// ParseAddrs splits a comma-separated address list.
func ParseAddrs(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// Validate reports the first setting that cannot work.
func (o Options) Validate() error {
	if o.WaitReplicas < 0 || o.WaitReplicas > MaxWaitReplicas {
		return fmt.Errorf("redis wait replicas %d: want 0 to %d", o.WaitReplicas, MaxWaitReplicas)
	}
	switch o.Mode {
	case "", ModeSingle:
		if len(o.Addrs) != 1 {
			return fmt.Errorf("redis mode single needs exactly one address, got %d", len(o.Addrs))
		}
	case ModeSentinel:
		if len(o.Addrs) == 0 || o.MasterName == "" {
			return fmt.Errorf("redis mode sentinel needs sentinel addresses and a master name")
		}
	case ModeCluster:
		if len(o.Addrs) == 0 {
			return fmt.Errorf("redis mode cluster needs at least one address")
		}
		if o.DB != 0 {
			return fmt.Errorf("redis mode cluster has no databases other than 0")
		}
	default:
		return fmt.Errorf("redis mode %q is not one of single, sentinel, cluster", o.Mode)
	}
	return nil
}

// Client opens a client for o. It does not dial; the first command does.
func (o Options) Client() (redis.UniversalClient, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	u := &redis.UniversalOptions{
		Addrs:    o.Addrs,
		Username: o.Username,
		Password: o.Password,
		DB:       o.DB,

		DialTimeout:           DialTimeout,
		ReadTimeout:           ReadTimeout,
		WriteTimeout:          WriteTimeout,
		PoolTimeout:           PoolTimeout,
		ConnMaxIdleTime:       IdleConnTimeout,
		MaxRetries:            MaxRetries,
		MaxRetryBackoff:       100 * time.Millisecond,
		DialerRetries:         1,
		ContextTimeoutEnabled: true,
	}
	if o.TLS {
		u.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	switch o.Mode {
	case ModeSentinel:
		u.MasterName = o.MasterName
		return redis.NewFailoverClient(u.Failover()), nil
	case ModeCluster:
		return clusterClient(u), nil
	default:
		return redis.NewClient(u.Simple()), nil
	}
}
