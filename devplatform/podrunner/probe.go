package podrunner

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// probes are a container's probes the runner runs; nil means none (or one
// the runner does not run: exec and gRPC probes count as passing).
type probes struct {
	startup, liveness, readiness *prober
}

func newProbes(c *corev1.Container, ip string) (probes, error) {
	var ps probes
	var err error
	if ps.startup, err = newProber(c, c.StartupProbe, ip); err != nil {
		return ps, err
	}
	if ps.liveness, err = newProber(c, c.LivenessProbe, ip); err != nil {
		return ps, err
	}
	ps.readiness, err = newProber(c, c.ReadinessProbe, ip)
	return ps, err
}

// prober runs one probe of a container against the pod's address.
type prober struct {
	check            func(ctx context.Context) bool
	timeout          time.Duration
	period           time.Duration
	initialDelay     time.Duration
	successThreshold int32
	failureThreshold int32
}

func newProber(c *corev1.Container, p *corev1.Probe, ip string) (*prober, error) {
	if p == nil {
		return nil, nil
	}
	r := &prober{
		timeout:          seconds(p.TimeoutSeconds, 1),
		period:           seconds(p.PeriodSeconds, 10),
		initialDelay:     seconds(p.InitialDelaySeconds, 0),
		successThreshold: max(p.SuccessThreshold, 1),
		failureThreshold: max(p.FailureThreshold, 3),
	}
	switch {
	case p.HTTPGet != nil:
		u, headers, err := probeURL(c, p.HTTPGet, ip)
		if err != nil {
			return nil, err
		}
		r.check = httpCheck(u, headers, r.timeout)
	case p.TCPSocket != nil:
		port, err := containerPort(c, p.TCPSocket.Port)
		if err != nil {
			return nil, err
		}
		host := p.TCPSocket.Host
		if host == "" {
			host = ip
		}
		r.check = tcpCheck(net.JoinHostPort(host, strconv.Itoa(int(port))), r.timeout)
	default:
		return nil, nil
	}
	return r, nil
}

func seconds(v, def int32) time.Duration {
	if v <= 0 {
		v = def
	}
	return time.Duration(v) * time.Second
}

func probeURL(c *corev1.Container, g *corev1.HTTPGetAction, ip string) (string, http.Header, error) {
	port, err := containerPort(c, g.Port)
	if err != nil {
		return "", nil, err
	}
	host := g.Host
	if host == "" {
		host = ip
	}
	scheme := "http"
	if g.Scheme == corev1.URISchemeHTTPS {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(host, strconv.Itoa(int(port)))}
	ref, err := url.Parse(g.Path)
	if err != nil {
		return "", nil, configErrorf("probe path %q: %v", g.Path, err)
	}
	headers := http.Header{}
	for _, h := range g.HTTPHeaders {
		headers.Add(h.Name, h.Value)
	}
	return u.ResolveReference(ref).String(), headers, nil
}

// containerPort resolves a probe port given by number or by name.
func containerPort(c *corev1.Container, port intstr.IntOrString) (int32, error) {
	if port.Type == intstr.Int {
		return port.IntVal, nil
	}
	for _, p := range c.Ports {
		if p.Name == port.StrVal {
			return p.ContainerPort, nil
		}
	}
	return 0, configErrorf("probe port %q names no port of container %q", port.StrVal, c.Name)
}

func httpCheck(u string, headers http.Header, timeout time.Duration) func(context.Context) bool {
	client := &http.Client{
		Timeout: timeout,
		// Like the kubelet: HTTPS probes do not verify the certificate.
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return func(ctx context.Context) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return false
		}
		req.Header = headers.Clone()
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode >= 200 && resp.StatusCode < 400
	}
}

func tcpCheck(addr string, timeout time.Duration) func(context.Context) bool {
	return func(ctx context.Context) bool {
		d := net.Dialer{Timeout: timeout}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return false
		}
		_ = conn.Close()
		return true
	}
}

// untilUpEvery is how often a probe runs until its first success: a
// loopback GET costs little, and a new room waits on it.
const untilUpEvery = 50 * time.Millisecond

// run probes until ctx ends or on returns true. It calls on(true) when
// the success threshold is reached and on(false) when the failure
// threshold is, each time the result crosses from the other side; state is
// where it starts (nil: neither side). Until the first success it probes at
// least every untilUpEvery, so a local pod turns Started and Ready as soon
// as it is, not up to a period later; failures still count once a period.
// After that first success it probes at its period, failing or not.
func (p *prober) run(ctx context.Context, state *bool, on func(ok bool) (stop bool)) {
	if !sleep(ctx, p.initialDelay) {
		return
	}
	var successes, failures int32
	var counted time.Time           // when a failure last counted
	fast := state == nil || !*state // no success seen yet
	for {
		// Between the fast probes before a first success, a failure
		// counts once a period, as the kubelet's would: the failure
		// threshold is a time budget, periods times failures.
		switch now := time.Now(); {
		case p.check(ctx):
			successes, failures, fast = successes+1, 0, false
		case !fast || counted.IsZero() || now.Sub(counted) >= p.period:
			successes, failures, counted = 0, failures+1, now
		default:
			successes = 0
		}
		for _, ok := range []bool{true, false} {
			reached := (ok && successes >= p.successThreshold) || (!ok && failures >= p.failureThreshold)
			if reached && (state == nil || *state != ok) {
				state = &ok
				if on(ok) {
					return
				}
			}
		}
		wait := p.period
		if fast {
			wait = min(wait, untilUpEvery)
		}
		if !sleep(ctx, wait) {
			return
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
