package admin

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/app/shopify/shopifytest"
)

// artifacts is where browser tests leave their screenshots (gitignored).
const artifacts = "../../testdata/artifacts"

// staticAssets serves the repository's static/ folder, where htmx lives.
func staticAssets(t *testing.T) http.FileSystem {
	t.Helper()
	const dir = "../../static"
	if _, err := os.Stat(filepath.Join(dir, "htmx.min.js")); err != nil {
		t.Fatalf("no htmx in %s: %v", dir, err)
	}
	return http.Dir(dir)
}

// adminServer runs the admin on 127.0.0.1 behind a real listener, framed
// by a fake Shopify admin on localhost: another site, so the iframe is
// genuinely cross-site.
type adminServer struct {
	h        *Handler
	appURL   string // http://127.0.0.1:P
	adminURL string // http://localhost:Q, the fake Shopify admin
}

// setup, when not nil, adjusts the config and adds test routes first.
func startAdmin(t *testing.T, eng Engine, staticFS http.FileSystem, setup func(*Config, *fiber.App)) *adminServer {
	t.Helper()
	fake := httptest.NewUnstartedServer(nil)
	fakeLn, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	fake.Listener = fakeLn
	adminURL := "http://localhost:" + portOf(fakeLn.Addr())

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	appURL := "http://127.0.0.1:" + portOf(ln.Addr())
	cfg := Config{
		ClientID:       testClientID,
		ClientSecrets:  []string{testSecret},
		HtmxURL:        "/static/htmx.min.js",
		FrameAncestors: []string{adminURL},
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true, StrictRouting: true, CaseSensitive: true, Immutable: true})
	if setup != nil {
		setup(&cfg, app)
	}
	h := New(cfg, Deps{
		Engine: eng,
		Snippet: func(base string) string {
			return pay.EmailSnippet(base, []byte("test-link-secret"), shopify.DefaultPaymentMethod)
		},
		PayLink: func(base, orderID string) string {
			return pay.OrderLink(base, []byte("test-link-secret"), orderID)
		},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	h.Register(app)
	app.Use("/static", func(c *fiber.Ctx) error {
		f, err := staticFS.Open(strings.TrimPrefix(c.Path(), "/static/"))
		if err != nil {
			return fiber.ErrNotFound
		}
		defer f.Close()
		c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
		b, _ := io.ReadAll(f)
		return c.Send(b)
	})
	go app.Listener(ln)
	// Chromium may still hold keep-alive connections when the test ends
	t.Cleanup(func() { app.ShutdownWithTimeout(time.Second) })

	fake.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Query().Get("path")
		if path == "" {
			path = "/admin"
		}
		q := embedded(t)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Shopify admin (fake)</title>
<style>body{margin:0;font-family:sans-serif;background:#1a1a1a}header{color:#fff;padding:10px 16px}iframe{border:0;width:100%%;height:920px;background:#fff}</style></head>
<body><header>Fake Shopify admin · test-shop</header><iframe id="app" src="%s%s?%s"></iframe></body></html>`, appURL, path, q.Encode())
	})
	fake.Start()
	t.Cleanup(fake.Close)
	return &adminServer{h: h, appURL: appURL, adminURL: adminURL}
}

// embedded is the query Shopify admin opens an embedded app with, its
// session token valid now.
func embedded(t *testing.T) url.Values {
	return url.Values{
		"embedded":  {"1"},
		"shop":      {testShop},
		"host":      {base64.RawStdEncoding.EncodeToString([]byte("admin.shopify.com/store/test-shop"))},
		"locale":    {"en"},
		"timestamp": {fmt.Sprint(time.Now().Unix())},
		"id_token":  {shopifytest.ValidIDToken(time.Now()).Mint(t)},
	}
}

func portOf(a net.Addr) string { return fmt.Sprint(a.(*net.TCPAddr).Port) }

// frame attaches to the admin's cross-site iframe, which Chromium runs as a
// target of its own.
func frame(t *testing.T, ctx context.Context, appURL string) context.Context {
	t.Helper()
	var id target.ID
	for deadline := time.Now().Add(20 * time.Second); id == "" && time.Now().Before(deadline); {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, appURL) {
				id = info.TargetID
			}
		}
		if id == "" {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if id == "" {
		t.Fatalf("no iframe target for %s", appURL)
	}
	fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(id))
	t.Cleanup(cancel)
	if err := chromedp.Do(fctx); err != nil {
		t.Fatalf("attach to the iframe: %v", err)
	}
	return fctx
}

// screenshot saves a PNG of the page under testdata/artifacts.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	start := time.Now()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	t.Logf("screenshot %s: %v", name, time.Since(start).Round(time.Millisecond))
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// stepTimeout bounds one step, so a broken page fails instead of hanging.
const stepTimeout = 20 * time.Second

// run runs browser steps, failing the test with the step's name.
func run(t *testing.T, ctx context.Context, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	start := time.Now()
	if err := chromedp.Do(sctx, steps...); err != nil {
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		t.Fatalf("%s: %v\npage:\n%.3000s", step, err, html)
	}
	t.Logf("%s: %v", step, time.Since(start).Round(time.Millisecond))
}

// settled is true once htmx has no request, swap or settle under way:
// content that htmx has just swapped in is only wired up after its settle.
const settled = `!document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`

// click clicks an element through the DOM, which works the same inside an
// out-of-process iframe as at the top level, once htmx has settled.
func click(sel string) chromedp.Action[chromedp.Void] {
	q := `document.querySelector(` + strconv.Quote(sel) + `)`
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := chromedp.Poll[bool](settled+` && !!`+q)(ctx, tg); err != nil {
				return err
			}
			_, err := chromedp.Evaluate[chromedp.Void](q+`.click()`)(ctx, tg)
			return err
		}),
	)
}

// value runs one browser action that returns a value.
func value[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

// waitText waits until an element's text contains want.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`(document.querySelector(`+strconv.Quote(sel)+`)?.textContent || "").includes(`+strconv.Quote(want)+`)`)(ctx, tg)
		return err
	})
}

// text reads an element's text.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(value(t, ctx, "read "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// submitConfirmed fills a form, submits it, and confirms what it will do.
func submitConfirmed(t *testing.T, ctx context.Context, form string, values map[string]string) {
	t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for name, v := range values {
		steps = append(steps, chromedp.SetValue(chromedp.CSS("#"+form+` [name="`+name+`"]`), v))
	}
	steps = append(steps,
		click("#"+form+` [data-testid=submit]`),
		click("#"+form+` [data-testid=confirm]`),
	)
	run(t, ctx, "submit "+form, steps...)
}
