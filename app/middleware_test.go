package app

import (
	"regexp"
	"strings"
	"testing"
)

func TestAccessLog(t *testing.T) {
	h := newHarness(t, nil)
	tok := h.login(h.newActor())
	h.log.Reset()
	h.do("GET", "/health", nil)
	h.do("GET", "/api/check_token?x=1", nil, "tpg_access_token", tok, "User-Agent", "Tari Payment Server Client",
		"X-Forwarded-For", "10.1.2.3")
	h.do("POST", "/order/claim", `{"address":"nobody"}`, "Forwarded", "for=10.0.0.1")
	logs := h.log.String()

	if strings.Contains(logs, "/health") {
		t.Errorf("/health must not be logged:\n%s", logs)
	}
	if strings.Contains(logs, tok) || strings.Contains(logs, tok[strings.LastIndex(tok, ".")+1:]) {
		t.Errorf("the access token reached the log:\n%s", logs)
	}
	lines := []*regexp.Regexp{
		regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z 127\.0\.0\.1 x-forwarded-for: 10\.1\.2\.3 forwarded: - ` +
			`\\"GET /api/check_token\?x=1 HTTP/1\.1\\" 200 ua:\\"Tari Payment Server Client\\" \d+\.\d{6} ms" logger=access_log`),
		regexp.MustCompile(`127\.0\.0\.1 x-forwarded-for: - forwarded: for=10\.0\.0\.1 \\"POST /order/claim HTTP/1\.1\\" 400 ua:\\"Go-http-client/1\.1\\" \d+\.\d{6} ms`),
	}
	for _, re := range lines {
		if !re.MatchString(logs) {
			t.Errorf("no access-log line matching %s in:\n%s", re, logs)
		}
	}
}
