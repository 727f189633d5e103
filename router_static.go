package main

import "net/http"

// staticHandler serves the paths outside the router's API; nil answers
// them 404 until a browser client is built in.
func staticHandler() http.Handler { return nil }
