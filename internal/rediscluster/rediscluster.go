// Package rediscluster runs a real, throwaway Redis Cluster on loopback:
// three primaries, each with one replica, every node a
// `redis-server --cluster-enabled yes` with persistence off. Tests use it
// to prove that every key a script or transaction touches stays in one
// slot, and to kill a primary and watch its replica take over, as a
// managed Redis Cluster fails over.
package rediscluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/internal/freeport"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

// Shape of the cluster.
const (
	Primaries = 3
	// slotCount is the number of hash slots of every Redis Cluster.
	slotCount = 16384
)

// Options configure Run.
type Options struct {
	// Binary is the redis-server program, looked up in PATH when a bare
	// name; empty means "redis-server".
	Binary string
	// Out receives every node's output; nil discards it.
	Out io.Writer
	// NodeTimeout is cluster-node-timeout: how long a primary may be
	// silent before the others count it failed and its replica takes
	// over. Zero means DefaultNodeTimeout.
	NodeTimeout time.Duration
	// Dir holds the nodes' files (each node's nodes.conf); it is created
	// and Close removes it. Empty means a new temporary directory.
	Dir string
}

// DefaultNodeTimeout is short enough that a failover takes a few seconds,
// and long enough that a loaded test machine does not fail nodes over by
// itself.
const DefaultNodeTimeout = 2 * time.Second

// readyTimeout bounds how long the cluster may take to form, and a
// failover to finish.
const readyTimeout = 60 * time.Second

// Node is one redis-server of the cluster.
type Node struct {
	// Addr is host:port on loopback; it survives Restart.
	Addr    string
	port    int
	busPort int
	dir     string
	argv    []string
	out     io.Writer

	mu   sync.Mutex
	proc *childproc.Process
	id   string
}

// Cluster is a running Redis Cluster.
type Cluster struct {
	nodes []*Node // the first Primaries started as primaries, the rest as their replicas
	dir   string
}

// Run starts six nodes, assigns the slots to three of them, makes each of
// the other three a replica of one, and returns once every node agrees
// the cluster is up and every replica is in sync; the caller ends it with
// Close.
func Run(ctx context.Context, opts Options) (*Cluster, error) {
	// Each node's two ports come from freeport: another process on the
	// machine may take one between the pick and redis-server's bind, and
	// then the cluster never forms. A second try picks new ports.
	c, err := runOnce(ctx, opts)
	if err != nil && opts.Dir == "" && ctx.Err() == nil {
		c, err = runOnce(ctx, opts)
	}
	return c, err
}

func runOnce(ctx context.Context, opts Options) (c *Cluster, err error) {
	if opts.Binary == "" {
		opts.Binary = "redis-server"
	}
	if opts.NodeTimeout <= 0 {
		opts.NodeTimeout = DefaultNodeTimeout
	}
	path, err := exec.LookPath(opts.Binary)
	if err != nil {
		return nil, fmt.Errorf("%s not found (install the Debian package redis-server with `make deps`): %w", opts.Binary, err)
	}
	dir := opts.Dir
	if dir == "" {
		dir, err = os.MkdirTemp("", "croupier-redis-cluster-")
	} else {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return nil, err
	}
	cl := &Cluster{dir: dir}
	// err, not c: every failure below returns a nil *Cluster.
	defer func() {
		if err != nil {
			cl.Close()
		}
	}()
	c = cl
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for i := range 2 * Primaries {
		n, err := newNode(path, filepath.Join(dir, strconv.Itoa(i)), opts)
		if err != nil {
			return nil, err
		}
		c.nodes = append(c.nodes, n)
		if err := n.start(); err != nil {
			return nil, err
		}
	}
	for _, n := range c.nodes {
		if err := n.waitReady(ctx); err != nil {
			return nil, err
		}
	}
	if err := c.form(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func newNode(path, dir string, opts Options) (*Node, error) {
	port, err := freeport.Stable() // a killed node starts again on it
	if err != nil {
		return nil, err
	}
	bus, err := freeport.Stable()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	n := &Node{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), port: port, busPort: bus, dir: dir, out: opts.Out}
	n.argv = []string{path,
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--protected-mode", "yes",
		"--dir", dir,
		"--cluster-enabled", "yes",
		"--cluster-port", strconv.Itoa(bus),
		"--cluster-config-file", "nodes.conf",
		"--cluster-node-timeout", strconv.FormatInt(opts.NodeTimeout.Milliseconds(), 10),
		// A replica takes over however long it was cut off: the tests
		// kill primaries on purpose, never to lose a slot.
		"--cluster-replica-validity-factor", "0",
		// Nothing survives a restart: no snapshots, no append-only file.
		"--save", "",
		"--appendonly", "no",
		// A replica syncs over the socket at once, not after 5s.
		"--repl-diskless-sync", "yes",
		"--repl-diskless-sync-delay", "0",
		"--daemonize", "no",
	}
	return n, nil
}

func (n *Node) start() error {
	proc, err := childproc.Start(childproc.Spec{Name: "redis-server " + n.Addr, Argv: n.argv, Out: n.out})
	if err != nil {
		return err
	}
	n.mu.Lock()
	n.proc = proc
	n.mu.Unlock()
	return nil
}

func (n *Node) current() *childproc.Process {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.proc
}

func (n *Node) client() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: n.Addr, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
}

func (n *Node) waitReady(ctx context.Context) error {
	c := n.client()
	defer c.Close()
	for {
		id, err := c.Do(ctx, "CLUSTER", "MYID").Text()
		if err == nil {
			n.mu.Lock()
			n.id = id
			n.mu.Unlock()
			return nil
		}
		select {
		case <-n.current().Done():
			return n.current().ExitError()
		case <-ctx.Done():
			return fmt.Errorf("redis-server on %s did not answer: %w", n.Addr, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ID is the node's cluster node id.
func (n *Node) ID() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.id
}

// Alive reports whether the node's process runs.
func (n *Node) Alive() bool {
	select {
	case <-n.current().Done():
		return false
	default:
		return true
	}
}

// form assigns slots, joins every node and attaches the replicas, by the
// same commands `redis-cli --cluster create --cluster-replicas 1` sends.
func (c *Cluster) form(ctx context.Context) error {
	for i, n := range c.nodes[:Primaries] {
		first, last := i*slotCount/Primaries, (i+1)*slotCount/Primaries-1
		if err := n.do(ctx, "CLUSTER", "ADDSLOTSRANGE", first, last); err != nil {
			return err
		}
	}
	for _, n := range c.nodes[1:] {
		if err := c.nodes[0].do(ctx, "CLUSTER", "MEET", "127.0.0.1", n.port, n.busPort); err != nil {
			return err
		}
	}
	if err := c.waitAll(ctx, "every node to know every other", func(ctx context.Context, n *Node) (bool, error) {
		nodes, err := n.clusterNodes(ctx)
		if err != nil {
			return false, err
		}
		if len(nodes) != len(c.nodes) {
			return false, nil
		}
		for _, l := range nodes {
			if l.has("handshake") || l.has("noaddr") {
				return false, nil
			}
		}
		return true, nil
	}); err != nil {
		return err
	}
	for i, n := range c.nodes[Primaries:] {
		if err := n.do(ctx, "CLUSTER", "REPLICATE", c.nodes[i].ID()); err != nil {
			return err
		}
	}
	return c.WaitHealthy(ctx)
}

// WaitHealthy waits until every running node says the cluster is ok, sees
// no running node counted failed, every replica in sync and, while all
// six run, every primary with its replica (so a WAIT 1 can be answered).
func (c *Cluster) WaitHealthy(ctx context.Context) error {
	return c.waitAll(ctx, "the cluster to be healthy", func(ctx context.Context, n *Node) (bool, error) {
		info, err := n.info(ctx, "CLUSTER", "INFO")
		if err != nil || info["cluster_state"] != "ok" {
			return false, err
		}
		nodes, err := n.clusterNodes(ctx)
		if err != nil {
			return false, err
		}
		replicated := map[string]bool{}
		for _, l := range nodes {
			if l.has("slave") && !l.has("fail") && !l.has("fail?") {
				replicated[l.master] = true
			}
		}
		full := c.allAlive()
		for _, l := range nodes {
			if l.has("fail") || l.has("fail?") {
				if m := c.byID(l.id); m != nil && m.Alive() {
					return false, nil // a live node still counted failed
				}
				continue
			}
			if l.has("master") && l.slots && !replicated[l.id] && full {
				return false, nil
			}
		}
		repl, err := n.info(ctx, "INFO", "replication")
		if err != nil {
			return false, err
		}
		if repl["role"] == "slave" && repl["master_link_status"] != "up" {
			return false, nil
		}
		return true, nil
	})
}

func (c *Cluster) allAlive() bool {
	for _, n := range c.nodes {
		if !n.Alive() {
			return false
		}
	}
	return true
}

func (c *Cluster) byID(id string) *Node {
	for _, n := range c.nodes {
		if n.ID() == id {
			return n
		}
	}
	return nil
}

func (c *Cluster) waitAll(ctx context.Context, what string, ok func(context.Context, *Node) (bool, error)) error {
	var last error
	for {
		all := true
		for _, n := range c.nodes {
			if !n.Alive() {
				continue
			}
			done, err := ok(ctx, n)
			if err != nil {
				last = err
			}
			if !done {
				all = false
				break
			}
		}
		if all {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (last error: %v)", what, ctx.Err(), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (n *Node) do(ctx context.Context, args ...any) error {
	c := n.client()
	defer c.Close()
	if err := c.Do(ctx, args...).Err(); err != nil {
		return fmt.Errorf("%s on %s: %w", strings.TrimSpace(fmt.Sprint(args...)), n.Addr, err)
	}
	return nil
}

func (n *Node) info(ctx context.Context, args ...any) (map[string]string, error) {
	c := n.client()
	defer c.Close()
	s, err := c.Do(ctx, args...).Text()
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, l := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), ":"); ok {
			m[k] = v
		}
	}
	return m, nil
}

// nodeLine is one line of CLUSTER NODES.
type nodeLine struct {
	id, addr, master string
	flags            []string
	slots            bool
}

func (l nodeLine) has(flag string) bool {
	for _, f := range l.flags {
		if f == flag {
			return true
		}
	}
	return false
}

func (n *Node) clusterNodes(ctx context.Context) ([]nodeLine, error) {
	c := n.client()
	defer c.Close()
	s, err := c.ClusterNodes(ctx).Result()
	if err != nil {
		return nil, err
	}
	var out []nodeLine
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		f := strings.Fields(l)
		if len(f) < 8 {
			continue
		}
		addr, _, _ := strings.Cut(f[1], "@")
		out = append(out, nodeLine{id: f[0], addr: addr, flags: strings.Split(f[2], ","), master: f[3], slots: len(f) > 8})
	}
	return out, nil
}

// Addrs lists every node's address: the seed list a cluster client (or a
// pod's CROUPIER_REDIS_ADDRS) takes.
func (c *Cluster) Addrs() []string {
	out := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = n.Addr
	}
	return out
}

// Options is how a pod, the operator or a platform reaches the cluster:
// mode cluster and every node's address.
func (c *Cluster) Options() redisconn.Options {
	return redisconn.Options{Mode: redisconn.ModeCluster, Addrs: c.Addrs()}
}

// Nodes are the cluster's nodes: the first three were started as
// primaries, the others as their replicas (failovers swap roles).
func (c *Cluster) Nodes() []*Node { return c.nodes }

// PrimaryOf returns the node that serves key's slot now, as a running
// node sees it.
func (c *Cluster) PrimaryOf(ctx context.Context, key string) (*Node, error) {
	for _, n := range c.nodes {
		if !n.Alive() {
			continue
		}
		cl := n.client()
		slot, err := cl.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			_ = cl.Close()
			continue
		}
		ranges, err := cl.ClusterSlots(ctx).Result()
		_ = cl.Close()
		if err != nil {
			continue
		}
		for _, r := range ranges {
			if int64(r.Start) <= slot && slot <= int64(r.End) && len(r.Nodes) > 0 {
				return c.byAddr(r.Nodes[0].Addr)
			}
		}
		return nil, fmt.Errorf("no node serves slot %d of %q", slot, key)
	}
	return nil, errors.New("no cluster node answers")
}

// SetReplicated writes key on the primary of its slot and waits until the
// primary's replica has acknowledged it. WAIT counts the replicas that
// reached the offset of its own connection's last write, so it must follow
// the write on that connection: a WAIT sent through a cluster client goes
// to whichever node it picks and proves nothing about key.
func (c *Cluster) SetReplicated(ctx context.Context, key, value string) error {
	p, err := c.PrimaryOf(ctx, key)
	if err != nil {
		return err
	}
	cl := p.client()
	defer cl.Close()
	conn := cl.Conn()
	defer conn.Close()
	if err := conn.Set(ctx, key, value, 0).Err(); err != nil {
		return err
	}
	acked, err := conn.Do(ctx, "WAIT", 1, 5000).Int()
	if err != nil {
		return err
	}
	if acked < 1 {
		return fmt.Errorf("no replica of %s acknowledged %q within 5s", p.Addr, key)
	}
	return nil
}

func (c *Cluster) byAddr(addr string) (*Node, error) {
	for _, n := range c.nodes {
		if n.Addr == addr {
			return n, nil
		}
	}
	return nil, fmt.Errorf("%s is not a node of this cluster", addr)
}

// Kill ends the node at once (SIGKILL), as a crash would; it returns once
// the process is gone. What it held and had not yet replicated is lost.
func (n *Node) Kill() { n.current().Kill() }

// Restart starts a killed node again on the same address. It comes back
// empty but remembers the cluster (its nodes.conf), so it rejoins as a
// replica of whichever node took over its slots.
func (n *Node) Restart(ctx context.Context) error {
	n.Kill()
	if err := n.start(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	return n.waitReady(ctx)
}

// WaitPromoted waits until key's slot is served by a running node other
// than old (the replica took over) and the cluster is ok again, and
// returns the new primary.
func (c *Cluster) WaitPromoted(ctx context.Context, key string, old *Node) (*Node, error) {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var primary *Node
	err := c.waitAll(ctx, "a replica to take over "+key, func(ctx context.Context, n *Node) (bool, error) {
		p, err := c.PrimaryOf(ctx, key)
		if err != nil || p == old || !p.Alive() {
			return false, err
		}
		info, err := n.info(ctx, "CLUSTER", "INFO")
		if err != nil || info["cluster_state"] != "ok" {
			return false, err
		}
		primary = p
		return true, nil
	})
	return primary, err
}

// Flush empties every primary (FLUSHALL; the replicas follow) and waits
// until the replicas have it too, so one cluster serves test after test.
func (c *Cluster) Flush(ctx context.Context) error {
	for _, n := range c.nodes {
		if !n.Alive() {
			continue
		}
		repl, err := n.info(ctx, "INFO", "replication")
		if err == nil && repl["role"] == "master" {
			cl := n.client()
			err = cl.FlushAll(ctx).Err()
			if err == nil && repl["connected_slaves"] != "0" {
				err = cl.Do(ctx, "WAIT", repl["connected_slaves"], 5000).Err()
			}
			_ = cl.Close()
		}
		if err != nil {
			return fmt.Errorf("flush %s: %w", n.Addr, err)
		}
	}
	return nil
}

// Close stops every node and removes their directories.
func (c *Cluster) Close() {
	for _, n := range c.nodes {
		if p := n.current(); p != nil {
			p.Stop(5 * time.Second)
		}
	}
	_ = os.RemoveAll(c.dir)
}

// ReplicaOf returns the running node that replicates primary.
func (c *Cluster) ReplicaOf(ctx context.Context, primary *Node) (*Node, error) {
	for _, n := range c.nodes {
		if n == primary || !n.Alive() {
			continue
		}
		repl, err := n.info(ctx, "INFO", "replication")
		if err != nil {
			continue
		}
		if repl["role"] == "slave" && net.JoinHostPort(repl["master_host"], repl["master_port"]) == primary.Addr {
			return n, nil
		}
	}
	return nil, fmt.Errorf("no running node replicates %s", primary.Addr)
}

// Freeze stops the node (SIGSTOP): it keeps its sockets but answers
// nothing and replicates nothing until Thaw.
func (n *Node) Freeze() error { return syscall.Kill(n.current().Pid(), syscall.SIGSTOP) }

// Thaw resumes a frozen node (SIGCONT).
func (n *Node) Thaw() { _ = syscall.Kill(n.current().Pid(), syscall.SIGCONT) }

// Do runs one command on the node itself (not routed by slot), for a test
// that sets a node up, e.g. CONFIG SET.
func (n *Node) Do(ctx context.Context, args ...any) *redis.Cmd {
	c := n.client()
	defer c.Close()
	return c.Do(ctx, args...)
}

// Info returns one section of the node's INFO as a map.
func (n *Node) Info(ctx context.Context, section string) (map[string]string, error) {
	return n.info(ctx, "INFO", section)
}
