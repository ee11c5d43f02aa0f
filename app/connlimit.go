package app

import (
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"
)

// LimitConnsPerIP wraps ln so that at most max connections from one client
// address (the TCP peer: behind a proxy, the proxy) are open at once. A
// further one is answered 429 and closed at once, before any request is
// read. max below 1 is no cap.
func LimitConnsPerIP(ln net.Listener, max int, log *slog.Logger) net.Listener {
	if max < 1 {
		return ln
	}
	return &connLimiter{Listener: ln, max: max, open: map[string]int{}, log: log}
}

type connLimiter struct {
	net.Listener
	max int
	log *slog.Logger

	mu   sync.Mutex
	open map[string]int // open connections by peer IP
}

// tooManyConns is the whole reply to a connection over the cap.
var tooManyConns = func() []byte {
	body := `{"error":"Too many connections from your address: close some and try again."}`
	return []byte("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}()

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := peerIP(c)
		l.mu.Lock()
		over := l.open[ip] >= l.max
		if !over {
			l.open[ip]++
		}
		l.mu.Unlock()
		if !over {
			return &limitedConn{Conn: c, release: sync.OnceFunc(func() { l.release(ip) })}, nil
		}
		l.log.Warn("connection refused: too many from one address", "ip", ip, "max", l.max)
		// The reply fits any socket buffer; the deadline only guards the
		// accept loop against a peer that stalls even that.
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = c.Write(tooManyConns)
		_ = c.Close()
	}
}

func (l *connLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
}

// peerIP is a connection's remote IP, IPv4 or IPv6.
func peerIP(c net.Conn) string {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}

// limitedConn gives its slot back when closed, once.
type limitedConn struct {
	net.Conn
	release func()
}

func (c *limitedConn) Close() error {
	c.release()
	return c.Conn.Close()
}
