package tari_test

import (
	"crypto/rand"
	"fmt"
	"time"

	"taripay/engine/tari"
)

// A customer claims an order; the server checks the claim.
func ExampleSignMemo() {
	k, _ := tari.NewSecretKey(rand.Reader)
	addr := tari.NewAddress(tari.MainNet, k.Public())
	claim, _ := tari.SignMemo(rand.Reader, k, addr, "order10256")
	body, _ := claim.MarshalJSON() // POST /order/claim, or a Shopify order note

	m, err := tari.ParseMemoSignature(body)
	fmt.Println(err == nil && m.Verify(), m.OrderID)
	// Output: true order10256
}

// The same address in its three text forms.
func ExampleParseAddress() {
	a, _ := tari.ParseAddress("000310c2e78e1bbbe58779eade51cf6d66f26288d934e9eda26fb20c8bcb88825d2a05")
	fmt.Println(a.Base58())
	fmt.Println(a.Emoji())
	// Output:
	// 145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn
	// 🐢🌊🌹💵😱🐺🍊💦😍🦆🐛👍🔮🎭📷🐊🏠🚓🏁🦂🔩🍳🤢🚁👠🐍💍🌴🐶📿🦂🐬🎼🥝🐋
}

// Login: the client signs a login token; the server verifies it with the
// key in its claims and answers with an access token signed by its own key.
func ExampleParseLoginToken() {
	user, _ := tari.NewSecretKey(rand.Reader)
	server, _ := tari.NewSecretKey(rand.Reader)
	login, _ := tari.SignLoginToken(rand.Reader, user, tari.LoginClaims{
		Address:      tari.NewAddress(tari.MainNet, user.Public()),
		Nonce:        uint64(time.Now().Unix()),
		DesiredRoles: []string{tari.RoleUser},
	})

	claims, err := tari.ParseLoginToken(login)
	if err != nil {
		fmt.Println(err.(*tari.TokenError).LoginMessage())
		return
	}
	now := time.Now()
	access, _ := tari.IssueAccessToken(rand.Reader, server, tari.NewAccessClaims(claims, now))
	got, err := tari.VerifyAccessToken(access, server.Public(), now)
	fmt.Println(err, got.HasRoles(tari.RoleUser))
	// Output: <nil> true
}
