package devplatform

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
)

// newProgressLogger prints one readable line per event, `15:04:05 msg
// key=value ...`, showing only level 0 and errors: the platform's own
// progress, not the libraries' chatter.
func newProgressLogger(out io.Writer) logr.Logger {
	return logr.New(&progressSink{out: out, mu: &sync.Mutex{}})
}

type progressSink struct {
	out    io.Writer
	mu     *sync.Mutex
	name   string
	values []any
}

func (s *progressSink) Init(logr.RuntimeInfo) {}

func (s *progressSink) Enabled(level int) bool { return level == 0 }

func (s *progressSink) Info(_ int, msg string, kv ...any) { s.print(msg, nil, kv) }

func (s *progressSink) Error(err error, msg string, kv ...any) { s.print("ERROR "+msg, err, kv) }

func (s *progressSink) print(msg string, err error, kv []any) {
	var b strings.Builder
	b.WriteString(time.Now().Format(time.TimeOnly))
	b.WriteString(" ")
	if s.name != "" {
		b.WriteString(s.name + ": ")
	}
	b.WriteString(msg)
	if err != nil {
		fmt.Fprintf(&b, ": %v", err)
	}
	all := append(append([]any{}, s.values...), kv...)
	for i := 0; i+1 < len(all); i += 2 {
		fmt.Fprintf(&b, " %v=%v", all[i], all[i+1])
	}
	b.WriteString("\n")
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = io.WriteString(s.out, b.String())
}

func (s *progressSink) WithValues(kv ...any) logr.LogSink {
	c := *s
	c.values = append(append([]any{}, s.values...), kv...)
	return &c
}

func (s *progressSink) WithName(name string) logr.LogSink {
	c := *s
	if c.name != "" {
		name = c.name + "." + name
	}
	c.name = name
	return &c
}
