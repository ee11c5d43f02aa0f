// Package servetest runs the taripay binary for end-to-end tests: built
// once per test package with default settings, and `taripay serve` as a
// subprocess on a free loopback port, healthy before the test goes on, and
// never outliving it.
package servetest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the taripay executable that Main built.
var binary string

// Main builds the taripay binary, runs the package's tests and exits; a
// test package's TestMain calls it. The notifier keeps its last nonce in
// the user's cache directory: the tests, and the processes they start with
// their environment, keep theirs in a directory of their own.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "taripay-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "taripay")
	build := exec.Command("go", "build", "-o", binary, "taripay")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build taripay:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Binary is the path of the taripay executable that Main built.
func Binary() string { return binary }

// Command runs the built taripay with args, in dir, with only PATH, HOME
// and TMPDIR (both dir) and env in its environment.
func Command(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir}, env...)
	return cmd
}

// Serve runs `taripay serve` in dir with env (TPG_* settings) and waits
// until it is healthy; see Start.
func Serve(t testing.TB, dir string, env ...string) *Server {
	t.Helper()
	return Start(t, Command(dir, env, "serve"))
}

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

// WaitAccepted waits until the server has accepted conn, a TCP connection
// over IPv4 that the test dialled to it. Until then the connection sits in
// the kernel's listen queue, where the server cannot see it (a shutdown
// then never counts it). Linux lists a queued connection in /proc/net/tcp
// with inode 0, and gives it an inode when it is accepted.
func WaitAccepted(t testing.TB, conn net.Conn) {
	t.Helper()
	// The server's end: its local address is the client's remote one.
	want := procAddr(conn.RemoteAddr()) + " " + procAddr(conn.LocalAddr())
	deadline := time.Now().Add(30 * time.Second)
	for {
		table, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			t.Fatalf("servetest: cannot see whether the connection was accepted: %v", err)
		}
		for line := range strings.Lines(string(table)) {
			// sl local rem st queues tr retrnsmt uid timeout inode …
			f := strings.Fields(line)
			if len(f) > 9 && f[1]+" "+f[2] == want && f[9] != "0" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("servetest: the server never accepted the connection from %s", conn.LocalAddr())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// procAddr writes an IPv4 TCP address as /proc/net/tcp does: the address
// as a host-order (little-endian here) hex word, then the port.
func procAddr(a net.Addr) string {
	tcp := a.(*net.TCPAddr)
	ip := tcp.IP.To4()
	return fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], tcp.Port)
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
