package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"taripay/engine/tari"
)

const claimSecret = "ac8bac66b8efc8f2055ba8dcd95ad5f7f9e791d876a50642d563426fc86de109"

// checkClaim verifies a printed claim independently: it parses as the
// server parses it, verifies, and belongs to the secret's address.
func checkClaim(t *testing.T, body, order string) {
	t.Helper()
	m, err := tari.ParseMemoSignature([]byte(strings.TrimSpace(body)))
	if err != nil {
		t.Fatalf("claim does not parse: %v\n%s", err, body)
	}
	k, _ := tari.ParseSecretKey(claimSecret)
	if !m.Verify() || m.OrderID != order || m.Address != tari.NewAddress(tari.MainNet, k.Public()) {
		t.Fatalf("claim %+v does not verify for order %s", m, order)
	}
}

func TestClaimPrints(t *testing.T) {
	t.Setenv("TPG_SECRET_KEY", claimSecret)
	out, err := runCLI(t, "claim", "--order", "order10256")
	if err != nil {
		t.Fatal(err)
	}
	checkClaim(t, out, "order10256")
	if !strings.HasPrefix(out, `{"address":"14NPqUxFyJwbZ6wJ8hpuTuX5oWbQt7XeMJWXMZdMSiA19Fj","order_id":"order10256","signature":"`) {
		t.Fatalf("unexpected claim %s", out)
	}
	out, err = runCLI(t, "claim", "--secret", claimSecret, "--order", "#1001 <ü>")
	if err != nil {
		t.Fatal(err)
	}
	checkClaim(t, out, "#1001 <ü>")
	if _, err := runCLI(t, "claim"); err == nil {
		t.Fatal("claim without --order succeeded")
	}
}

// claimedOrder is a server's answer to a claim (app/testdata/golden/claimed_order.json).
const (
	claimedSendTo = `{"Single":{"network":"mainnet","features":3,"public_spend_key":"0859fb3d6696579310c220d204cb21437d6658d0a05af1c8cd54fffd87253443"}}`
	claimedOrder  = `{"order_id":"order10256","total_price":2400000000,"expires_at":"2024-03-12T15:00:00Z","status":"New","send_to":` + claimedSendTo + `}`
)

// TestClaimPostsToServer: `taripay claim --server` posts the claim and
// prints the answer, send_to as the base58 address a wallet takes; a
// non-2xx answer is printed as it came, and fails the command.
func TestClaimPostsToServer(t *testing.T) {
	t.Setenv("TPG_SECRET_KEY", claimSecret)
	var got struct {
		method, path, contentType, body string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.contentType, got.body = r.Method, r.URL.Path, r.Header.Get("Content-Type"), string(b)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(got.body, `"order_id":"missing"`) {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":"The data was not found. The requested order missing does not exist"}`)
			return
		}
		io.WriteString(w, claimedOrder)
	}))
	defer srv.Close()

	out, err := runCLI(t, "claim", "--order", "order10256", "--server", srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if got.method != http.MethodPost || got.path != "/order/claim" || got.contentType != "application/json" {
		t.Fatalf("request %s %s %s", got.method, got.path, got.contentType)
	}
	checkClaim(t, got.body, "order10256")
	var sendTo tari.Address
	if err := sendTo.UnmarshalJSON([]byte(claimedSendTo)); err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(claimedOrder, claimedSendTo, `"`+sendTo.Base58()+`"`, 1); strings.TrimSpace(out) != want {
		t.Fatalf("printed %s\nwant the server's answer with send_to in base58:\n%s", out, want)
	}

	out, err = runCLI(t, "claim", "--order", "missing", "--server", srv.URL)
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("non-2xx answer: err %v", err)
	}
	if !strings.Contains(out, "does not exist") {
		t.Fatalf("server's error answer not printed: %q", out)
	}
}
