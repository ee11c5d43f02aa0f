package engine_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"taripay/db"
	"taripay/engine"
)

const childEnv = "TPG_ENGINE_RESTART_CHILD"

// restartChild is the subprocess: it confirms every pending payment on the
// SQLite file, printing each txid once its transaction has committed.
func restartChild(path string) error {
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite://"+path)
	if err != nil {
		return err
	}
	e := engine.New(defaultConfig, d, engine.SystemClock{})
	w, err := e.Wallet(ctx, "wallet-hot")
	if err != nil {
		return err
	}
	nonce := w.LastNonce
	for i := range 400 {
		txid := fmt.Sprintf("tx%03d", i)
		nonce++
		if _, err := e.ConfirmPayment(ctx, engine.WalletCall{Address: "wallet-hot", Nonce: nonce}, txid); err != nil {
			return err
		}
		fmt.Printf("confirmed %s\n", txid)
	}
	return nil
}

// A process confirming payments is killed with SIGKILL mid-run and started
// again on the same SQLite file: no confirmed payment is lost and none is
// counted twice (issue 2, acceptance 4).
func TestRestartAfterKill(t *testing.T) {
	if path := os.Getenv(childEnv); path != "" {
		if err := restartChild(path); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "restart.db")
	d, err := db.Open(context.Background(), "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	en := envOn(t, d, "sqlite://"+path, defaultConfig)
	for i := range 40 {
		en.order(fmt.Sprintf("o%02d", i), fmt.Sprintf("c%d", i%10), xtr(int64(1+i%7)), nil)
		if _, err := en.e.Claim(en.ctx, fmt.Sprintf("o%02d", i), fmt.Sprintf("addr-%d", i%10)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 400 {
		en.receive(fmt.Sprintf("tx%03d", i), fmt.Sprintf("addr-%d", i%10), xtr(int64(1+i%3)), nil, nil)
	}
	d.Close()

	run := func(killAfter int) (confirmed []string) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRestartAfterKill$")
		cmd.Env = append(os.Environ(), childEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if txid, ok := strings.CutPrefix(sc.Text(), "confirmed "); ok {
				confirmed = append(confirmed, txid)
			}
			if killAfter > 0 && len(confirmed) == killAfter {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
		err = cmd.Wait()
		if killAfter > 0 {
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("child was not killed: %v", err)
			}
		} else if err != nil {
			t.Fatalf("child failed: %v", err)
		}
		return confirmed
	}

	confirmed := run(150)
	d, err = db.Open(context.Background(), "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	en = envOn(t, d, "sqlite://"+path, defaultConfig)
	for _, txid := range confirmed {
		p, err := en.e.PaymentsForAddress(en.ctx, "addr-"+txid[len(txid)-1:], engine.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for _, pay := range p.Payments {
			if pay.TxID == txid && pay.Status != engine.PaymentConfirmed {
				t.Fatalf("payment %s was reported confirmed before the kill but is %s", txid, pay.Status)
			}
		}
	}
	checkLedger(t, en)
	d.Close()

	// Started again, the process re-sends every confirmation: the ones done
	// before the kill are no-ops, the rest go through.
	run(0)
	d, err = db.Open(context.Background(), "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	en = envOn(t, d, "sqlite://"+path, defaultConfig)
	paid := checkLedger(t, en)
	var total, confirmedTotal engine.MicroTari
	for i := range 400 {
		total += xtr(int64(1 + i%3))
	}
	if err := d.Bun().NewRaw("SELECT SUM(amount) FROM payments WHERE status = 'Confirmed'").Scan(context.Background(), &confirmedTotal); err != nil || confirmedTotal != total {
		t.Fatalf("confirmed total %d, want %d (%v)", confirmedTotal, total, err)
	}
	if len(paid) != 40 {
		t.Fatalf("%d orders paid, want 40", len(paid))
	}
}
