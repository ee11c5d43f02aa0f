package pay

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/sessions"
)

// flashCookie carries one-shot notices across the redirect that follows a
// claim (Post/Redirect/Get). A notice in the URL could be bookmarked,
// shared or typed by anyone; a signed cookie is read once and gone. The pay
// page is first-party, so a plain SameSite=Lax cookie works here, unlike
// inside the Shopify admin's iframe.
const flashCookie = "taripay_pay"

// flashes stores notices in a signed (gorilla/sessions) cookie.
type flashes struct{ store *sessions.CookieStore }

// newFlashes keys the cookie with HMAC-SHA256 of the claim-link secret, so
// every process of a deployment reads the others' cookies; without one, a
// random per-process key only costs a lost notice.
func newFlashes(linkSecret []byte) flashes {
	key := make([]byte, 32)
	if len(linkSecret) > 0 {
		m := hmac.New(sha256.New, linkSecret)
		m.Write([]byte("taripay pay-page flash"))
		key = m.Sum(nil)
	} else if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	store := sessions.NewCookieStore(key)
	store.Options = &sessions.Options{Path: "/pay/", MaxAge: 300, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	return flashes{store: store}
}

// add queues msg for the next page this browser loads.
func (f flashes) add(c *fiber.Ctx, msg string) error {
	r := request(c)
	s, _ := f.store.Get(r, flashCookie) // a bad or stale cookie just starts afresh
	s.AddFlash(msg)
	return f.save(c, r, s)
}

// take returns and clears the queued notices.
func (f flashes) take(c *fiber.Ctx) []string {
	if c.Cookies(flashCookie) == "" {
		return nil
	}
	r := request(c)
	s, _ := f.store.Get(r, flashCookie)
	var msgs []string
	for _, m := range s.Flashes() {
		if msg, ok := m.(string); ok {
			msgs = append(msgs, msg)
		}
	}
	_ = f.save(c, r, s) // failing to clear only means the notice may show once more
	return msgs
}

func (f flashes) save(c *fiber.Ctx, r *http.Request, s *sessions.Session) error {
	opts := *f.store.Options
	opts.Secure = c.Secure()
	s.Options = &opts
	w := headerWriter{http.Header{}}
	if err := f.store.Save(r, w, s); err != nil {
		return err
	}
	for _, v := range w.h.Values("Set-Cookie") {
		c.Append(fiber.HeaderSetCookie, v)
	}
	return nil
}

// request gives gorilla/sessions the net/http view it reads: the cookies.
func request(c *fiber.Ctx) *http.Request {
	r := &http.Request{Header: http.Header{}}
	if v := c.Get(fiber.HeaderCookie); v != "" {
		r.Header.Set("Cookie", v)
	}
	return r.WithContext(c.UserContext())
}

// headerWriter collects the headers gorilla/sessions sets; there is no body.
type headerWriter struct{ h http.Header }

func (w headerWriter) Header() http.Header         { return w.h }
func (w headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w headerWriter) WriteHeader(int)             {}
