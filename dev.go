package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/croupier-dev/croupier/devplatform"
	"github.com/croupier-dev/croupier/devplatform/sessionkeys"
	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/internal/controlplane"
)

func init() {
	roles["dev"] = role{summary: "run a whole local platform (control plane, Redis, operator, game pods, matchmaker, router) until Ctrl-C", run: runDev}
}

func runDev(args []string) error {
	opts, err := parseDevFlags(args)
	if err != nil {
		return err
	}
	ctx, stop := devSignals()
	defer stop()
	return devplatform.Run(ctx, opts)
}

func parseDevFlags(args []string) (devplatform.Options, error) {
	assets := controlplane.AssetsDir()
	o := devplatform.Options{Out: os.Stdout, SessionKeysNamespace: "default"}
	fs := flag.NewFlagSet("croupier dev", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: croupier dev [flags] [-- extra operator flags]\n\nRuns etcd, kube-apiserver, kube-controller-manager, redis-server, the operator, a local pod runner, the matchmaker and the router until Ctrl-C.\n\nflags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.AssetsDir, "assets", assets, "directory holding etcd, kube-apiserver and kube-controller-manager (make tools builds them)")
	fs.StringVar(&o.CRDDir, "crds", filepath.Join("config", "crd", "bases"), "directory of the CRD manifests to install")
	fs.StringVar(&o.StateDir, "state-dir", ".croupier", "directory for logs and the lock (ignored by git)")
	fs.StringVar(&o.KubeconfigOut, "kubeconfig-out", "", "where to write the admin kubeconfig (default <state-dir>/kubeconfig)")
	fs.StringVar(&o.RedisServer, "redis-server", "redis-server", "redis-server binary")
	fs.StringVar(&o.GameserverImage, "gameserver-image", "croupier:dev", "image the operator puts in game pods (never pulled: pods run this binary)")
	fs.StringVar(&o.RouterAddr, "router-addr", "127.0.0.1:7300", "where the router, the one URL players use, listens")
	fs.StringVar(&o.SessionKeysSecret, "session-keys-secret", sessionkeys.DefaultSecretName, "Secret of session signing keys, created in namespace default if missing")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		return o, err
	}
	o.OperatorArgs = fs.Args()
	if o.KubeconfigOut == "" {
		o.KubeconfigOut = filepath.Join(o.StateDir, "kubeconfig")
	}
	self, err := os.Executable()
	if err != nil {
		return o, fmt.Errorf("find the croupier binary: %w", err)
	}
	o.Binary = self
	o.GameserverBinary = siblingGameserver(self)
	return o, nil
}

// siblingGameserver is the croupier-gameserver built beside croupier (`make
// build` puts both in bin/), which game pods then run; without one (`go
// run . dev`) they run `croupier gameserver`, which behaves the same.
func siblingGameserver(self string) string {
	p := filepath.Join(filepath.Dir(self), "croupier-gameserver")
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
		return p
	}
	return ""
}

// devSignals ends the context on the first Ctrl-C (or SIGTERM, or a closed
// terminal) so everything stops cleanly. A second Ctrl-C kills every child
// and exits at once; signals in the first second are copies of the first
// (a signal sent to the whole process group, by `timeout` or a terminal,
// arrives more than once) and are ignored.
func devSignals() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-ch
		first := time.Now()
		fmt.Fprintln(os.Stderr, "\nstopping everything (Ctrl-C again to kill it all at once)...")
		cancel()
		for range ch {
			if time.Since(first) > time.Second {
				childproc.KillChildren()
				os.Exit(130)
			}
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}
