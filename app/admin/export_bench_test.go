package admin

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"taripay/db/dbtest"
	"taripay/engine"
)

// BenchmarkExportMemory downloads orders.csv through the real handler,
// engine and SQLite over a loopback socket, at 10³, 10⁴, 10⁵ and 10⁶
// orders, and reports the peak heap in use while it streams: flat, since
// each row is written as it is read. docs/money.md records a run.
func BenchmarkExportMemory(b *testing.B) {
	d := dbtest.Open(b, "sqlite")
	eng := engine.New(engine.Config{}, d, nil)
	hs := newHarness(b, eng)
	if _, err := eng.Install(context.Background(), testShop, "42"); err != nil { // the harness's session's staff user
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = hs.app.Listener(ln) }()
	b.Cleanup(func() { _ = hs.app.Shutdown() })
	url := "http://" + ln.Addr().String() + "/admin/export/orders.csv"
	seeded := 0
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		seedOrders(b, d, seeded, n)
		seeded = n
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			var peak uint64
			var bytes int64
			for b.Loop() {
				runtime.GC()
				stop := sampleHeap(&peak)
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set(SessionHeader, hs.session)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				bytes, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				stop()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d, %v", resp.StatusCode, err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(bytes)/(1<<20), "csv-MiB")
		})
	}
}

// sampleHeap records the largest HeapInuse seen every millisecond into
// peak until stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			*peak = max(*peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
