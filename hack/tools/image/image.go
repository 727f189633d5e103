package main

import (
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// metadata is what the image says about itself beyond its files.
type metadata struct {
	goarch   string
	created  time.Time
	version  string
	revision string
	source   string
	licenses string
}

// labels are the OCI annotation keys registries and scanners read; the
// licenses label is left out when no license is known rather than guessed.
func (m metadata) labels() map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title":       "croupier",
		"org.opencontainers.image.description": "Croupier: the operator, game server and router of multiplayer card-game rooms on Kubernetes",
		"org.opencontainers.image.source":      m.source,
		"org.opencontainers.image.version":     m.version,
		"org.opencontainers.image.revision":    m.revision,
		"org.opencontainers.image.created":     m.created.Format(time.RFC3339),
	}
	if m.licenses != "" {
		l["org.opencontainers.image.licenses"] = m.licenses
	}
	return l
}

// assemble puts the two layers on an empty base: the base files first, as
// they change rarely and a registry then already holds them, and the
// binaries on top. Every time in the config is the given one.
func assemble(base, app v1.Layer, m metadata) (v1.Image, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err := mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: m.goarch,
		OS:           "linux",
		Created:      v1.Time{Time: m.created},
		Config: v1.Config{
			User:       fmt.Sprintf("%d:%d", nonrootUID, nonrootUID),
			Entrypoint: []string{"/croupier"},
			WorkingDir: "/",
			Labels:     m.labels(),
		},
		RootFS: v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(img,
		mutate.Addendum{Layer: base, History: v1.History{
			Created:   v1.Time{Time: m.created},
			CreatedBy: "croupier image: CA certificates, passwd and group for user 65532",
		}},
		mutate.Addendum{Layer: app, History: v1.History{
			Created:   v1.Time{Time: m.created},
			CreatedBy: "croupier image: static /croupier and /croupier-gameserver binaries",
		}},
	)
}
