package router

import gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"

// listedRoom reports a room its spec lists in the lobby.
func listedRoom(gr *gamesv1.GameRoom) bool { return gr.Spec.Listed }
