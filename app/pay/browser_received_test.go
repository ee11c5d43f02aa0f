package pay

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taripay/engine"
)

// TestPartPaymentLiveInChromium keeps a claimed order's pay page open in
// Chromium while part of the total arrives: the status says what was
// received and what is still due, and the page still offers the rest,
// without a reload.
func TestPartPaymentLiveInChromium(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderNew)}}
	base, _ := servePay(t, f, 200*time.Millisecond, nil)
	ctx := openOnPhone(t, base+"/pay/"+tokenA)
	must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`)))
	f.setReceipts("o1", engine.OrderReceipts{Confirmed: 1_000_000_000})
	must(t, chromedp.Do(ctx, waitFor(`document.querySelector("[data-testid=status-label]").textContent.includes(`+
		`"Received 1,000 XTR of 2,400.5 XTR, 1,400.5 XTR still due")`)))
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true && !!document.querySelector("[data-testid=qr]")`))
	must(t, err)
	if !kept {
		t.Error("the page reloaded, or stopped offering the rest, after a part payment")
	}
}
