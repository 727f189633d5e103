//go:build scale

package scale

import (
	"bufio"
	"context"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/client-go/kubernetes"
)

var requestLine = regexp.MustCompile(`^apiserver_request_total\{(.*)\} ([0-9.e+]+)$`)

// apiWrites counts the API server's write requests (create, update,
// patch, delete) on GameRooms, pods and events since it started, from its
// own /metrics: it counts every client, so only read it in a window where
// the operator is the only writer.
func apiWrites(ctx context.Context, cs kubernetes.Interface) (float64, error) {
	raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return 0, err
	}
	var total float64
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := requestLine.FindStringSubmatch(sc.Text())
		if m == nil || !isWrite(m[1]) {
			continue
		}
		n, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, sc.Err()
}

// apiWritesBy is apiWrites broken down by resource, subresource, verb
// and answer code ("gamerooms/status PUT 200"), to tell what a room costs.
func apiWritesBy(ctx context.Context, cs kubernetes.Interface) (map[string]float64, error) {
	raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := requestLine.FindStringSubmatch(sc.Text())
		if m == nil || !isWrite(m[1]) {
			continue
		}
		n, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return nil, err
		}
		l := labelsOf(m[1])
		key := l["resource"]
		if l["subresource"] != "" {
			key += "/" + l["subresource"]
		}
		out[key+" "+l["verb"]+" "+l["code"]] += n
	}
	return out, sc.Err()
}

var labelPair = regexp.MustCompile(`([a-z_]+)="([^"]*)"`)

func labelsOf(s string) map[string]string {
	l := map[string]string{}
	for _, m := range labelPair.FindAllStringSubmatch(s, -1) {
		l[m[1]] = m[2]
	}
	return l
}

func isWrite(labels string) bool {
	resource := false
	for _, r := range []string{`resource="gamerooms"`, `resource="pods"`, `resource="events"`} {
		resource = resource || strings.Contains(labels, r)
	}
	write := false
	for _, v := range []string{`verb="POST"`, `verb="PUT"`, `verb="PATCH"`, `verb="DELETE"`} {
		write = write || strings.Contains(labels, v)
	}
	return resource && write
}
