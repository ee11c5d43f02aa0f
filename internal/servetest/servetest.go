// Package servetest runs `taripay serve` as a subprocess for end-to-end
// tests: on a free loopback port, healthy before the test goes on, and
// never outliving it.
package servetest

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is a running `taripay serve`.
type Server struct {
	Base string // http://127.0.0.1:<port>
	Log  *Log   // its stdout and stderr

	cmd    *exec.Cmd
	exited chan error // holds the exit once the process has ended
}

// Start runs cmd, a `taripay serve` prepared with its directory and
// environment, adding TPG_PORT with a free port, and waits until GET
// /health answers 200. The process is killed when the test ends, if it is
// still running, and its log is shown if the test failed.
func Start(t testing.TB, cmd *exec.Cmd) *Server {
	t.Helper()
	port := strconv.Itoa(FreePort(t))
	cmd.Env = append(cmd.Env, "TPG_PORT="+port)
	s := &Server{Base: "http://127.0.0.1:" + port, Log: &Log{}, cmd: cmd, exited: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = s.Log, s.Log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			t.Logf("taripay serve log (tail):\n%s", s.Log.Tail())
		}
	})
	deadline := time.After(60 * time.Second)
	for {
		res, err := http.Get(s.Base + "/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case err := <-s.exited:
			s.exited <- err
			t.Fatalf("taripay serve exited: %v\n%s", err, s.Log.Tail())
		case <-deadline:
			t.Fatalf("taripay serve never became healthy\n%s", s.Log.Tail())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Running returns nil while the process runs, and how it ended otherwise.
func (s *Server) Running() error {
	select {
	case err := <-s.exited:
		s.exited <- err
		if err == nil {
			return errors.New("taripay serve exited")
		}
		return err
	default:
		return nil
	}
}

// Kill sends SIGKILL and waits for the process; it is idempotent.
func (s *Server) Kill() {
	if s.Running() != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	s.exited <- <-s.exited
}

// Stop asks for a clean shutdown (SIGTERM) and returns how the process
// exited: nil for status 0. A process still running after 30 s is killed.
func (s *Server) Stop() error {
	if err := s.Running(); err != nil {
		return err
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		s.exited <- err
		return err
	case <-time.After(30 * time.Second):
		s.Kill()
		return errors.New("taripay serve ignored SIGTERM for 30 s")
	}
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Log collects a process's output while a test reads it.
type Log struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is the whole log.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Tail is the last 4 KiB of the log, enough to see why a server failed.
func (l *Log) Tail() string {
	s := l.String()
	return s[max(0, len(s)-4096):]
}
