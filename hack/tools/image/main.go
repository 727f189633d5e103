// Command image builds the Croupier container image without a container
// engine: it compiles the static croupier and croupier-gameserver
// binaries, lays them on an empty base with CA certificates and a non-root
// user, and writes a tarball that `docker load` and `podman load` read,
// plus an OCI image layout. Every time inside is SOURCE_DATE_EPOCH, so a
// source tree gives one digest.
//
//	go -C hack/tools/image run . -repo "$PWD" -tar bin/croupier-image.tar
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"time"
)

func main() {
	var o options
	flag.StringVar(&o.repo, "repo", "", "the croupier module to build (required)")
	flag.StringVar(&o.goarch, "goarch", runtime.GOARCH, "target architecture (linux only)")
	flag.StringVar(&o.caCerts, "ca-certs", "/etc/ssl/certs/ca-certificates.crt", "PEM bundle copied to /etc/ssl/certs/ca-certificates.crt")
	flag.StringVar(&o.epoch, "source-date-epoch", os.Getenv("SOURCE_DATE_EPOCH"), "seconds since 1970 for every time in the image (default $SOURCE_DATE_EPOCH, else 0)")
	flag.StringVar(&o.version, "version", "dev", "org.opencontainers.image.version label")
	flag.StringVar(&o.revision, "revision", "", "org.opencontainers.image.revision label (the git commit)")
	flag.StringVar(&o.source, "source", "https://github.com/croupier-dev/croupier", "org.opencontainers.image.source label")
	flag.StringVar(&o.licenses, "licenses", "", "org.opencontainers.image.licenses label (SPDX); left out when empty")
	flag.StringVar(&o.tag, "tag", "croupier:dev", "the name `docker load` gives the image")
	flag.StringVar(&o.tarPath, "tar", "", "docker-archive tarball to write (required)")
	flag.StringVar(&o.ociPath, "oci", "", "OCI image layout directory to write (optional)")
	flag.Parse()
	if flag.NArg() > 0 || o.repo == "" {
		flag.Usage()
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	r, err := build(ctx, o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "image: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("built %s (%s, %s)\n  digest       %s\n  tarball      %s\n  compressed   %s (config and layers)\n  uncompressed %s (layers)\n  in %s\n",
		o.tarPath, o.tag, o.goarch, r.digest, mb(r.tarBytes), mb(r.compressed), mb(r.uncompressed), time.Since(start).Round(100*time.Millisecond))
	if o.ociPath != "" {
		fmt.Printf("  OCI layout   %s\n", o.ociPath)
	}
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB (%d bytes)", float64(n)/1e6, n) }
