package engine_test

import (
	"strings"
	"testing"

	"taripay/engine"
)

// Each way an address comes to see orders of a customer, and the ways it
// does not: only a pay-page claim shows the customer's other orders.
func TestOwnOrdersVisibility(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		for _, tc := range []struct {
			name string
			// act makes x see orders of customer c, whose ids are c+"-a"
			// and so on.
			act  func(t *testing.T, c string, x user)
			want []string
		}{
			{"claim by order id", func(t *testing.T, c string, x user) {
				abc(en, c)
				claim(en, c+"-b", x)
			}, []string{"b"}},
			{"second claimant of a New order", func(t *testing.T, c string, x user) {
				abc(en, c)
				claim(en, c+"-b", newUser(t))
				claim(en, c+"-b", x)
			}, []string{"b"}},
			{"memo signature in the order note", func(t *testing.T, c string, x user) {
				en.order(c+"-a", c, xtr(1), nil)
				en.order(c+"-b", c, xtr(2), x.memo(t, c+"-b"))
				en.order(c+"-c", c, xtr(3), nil)
			}, []string{"b"}},
			{"payment naming the order", func(t *testing.T, c string, x user) {
				abc(en, c)
				en.receive(c+"-tx", x.String(), 1, nil, ptr(c+"-b"))
			}, []string{"b"}},
			{"payment naming the order before it arrives", func(t *testing.T, c string, x user) {
				en.order(c+"-a", c, xtr(1), nil)
				en.receive(c+"-tx", x.String(), 1, nil, ptr(c+"-d"))
				en.order(c+"-d", c, xtr(4), nil)
			}, []string{"d"}},
			{"funds that paid the orders", func(t *testing.T, c string, x user) {
				abc(en, c)
				claim(en, c+"-c", x)
				en.receive(c+"-tx", x.String(), xtr(6), nil, nil)
				en.confirm(c + "-tx")
			}, []string{"a", "b", "c"}},
			{"auto-claim shows nothing", func(t *testing.T, c string, x user) {
				abc(en, c)
				claim(en, c+"-a", x)
				en.receive(c+"-tx", x.String(), 1, nil, nil)
				en.confirm(c + "-tx")
				en.order(c+"-d", c, xtr(4), nil) // auto-claimed for x, not paid
				en.wantStatus(c+"-d", engine.OrderNew)
			}, []string{"a"}},
			{"claim on the pay page", func(t *testing.T, c string, x user) {
				orders := abc(en, c)
				if _, err := en.e.ClaimWithToken(en.ctx, orders[0].ClaimToken, x.String()); err != nil {
					t.Fatal(err)
				}
				en.order(c+"-d", c, xtr(4), nil)
			}, []string{"a", "b", "c", "d"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c, x := strings.ReplaceAll(tc.name, " ", "_"), newUser(t)
				tc.act(t, c, x)
				r, err := en.e.OwnOrders(en.ctx, x.String(), false, engine.Page{})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, o := range r.Orders {
					got = append(got, strings.TrimPrefix(o.OrderID, c+"-"))
				}
				if strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("%s sees %v, want %v", x, got, tc.want)
				}
				// The merchant's view of x is every order of its customer.
				m, err := en.e.OrdersForAddress(en.ctx, x.String(), false, engine.Page{})
				if err != nil {
					t.Fatal(err)
				}
				if len(m.Orders) < len(r.Orders) {
					t.Errorf("the merchant sees %d orders of %s, fewer than it does", len(m.Orders), x)
				}
			})
		}
	})
}

// abc adds three open orders of customer c, oldest first.
func abc(en *env, c string) []engine.Order {
	en.t.Helper()
	return []engine.Order{en.order(c+"-a", c, xtr(1), nil), en.order(c+"-b", c, xtr(2), nil), en.order(c+"-c", c, xtr(3), nil)}
}

func claim(en *env, ref string, x user) {
	en.t.Helper()
	if _, err := en.e.Claim(en.ctx, ref, x.String()); err != nil {
		en.t.Fatalf("claim %s: %v", ref, err)
	}
}
