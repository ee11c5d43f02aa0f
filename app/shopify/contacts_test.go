package shopify

import (
	"context"
	"testing"
)

// TestContacts reads each customer's name and email from their newest
// order payload: the customer's own email before the order's, nothing
// from a redacted payload or a payload that is not an order's.
func TestContacts(t *testing.T) {
	store := newMemStore()
	const shop = "test-shop.myshopify.com"
	for _, h := range []memHook{
		{topic: "orders/create", shop: shop, customerID: "alice", body: []byte(`{"email":"old@example.com","customer":{"id":1,"first_name":"Al","last_name":"Old"}}`)},
		{topic: "orders/updated", shop: shop, customerID: "alice", body: []byte(`{"email":"order@example.com","customer":{"id":1,"email":"alice@example.com","first_name":"Alice","last_name":"Liddell"}}`)},
		{topic: "customers/data_request", shop: shop, customerID: "alice", body: []byte(`{"customer":{"email":"not@example.com"}}`)},
		{topic: "orders/create", shop: shop, customerID: "bob", body: []byte(`{"email":"bob@example.com"}`)},
		{topic: "orders/create", shop: shop, customerID: "carol", body: []byte(`{}`)}, // redacted
		{topic: "orders/create", shop: shop, customerID: "dave", body: []byte(`{"customer":{"id":4}}`)},
	} {
		store.hooks = append(store.hooks, &h)
	}
	got, err := (&Service{store: memStoreWithCaptures{store, &captureLog{}}}).Contacts(context.Background(), shop, []string{"alice", "bob", "carol", "dave", "erin"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Contact{
		"alice": {Name: "Alice Liddell", Email: "alice@example.com"},
		"bob":   {Email: "bob@example.com"},
	}
	if len(got) != len(want) {
		t.Errorf("contacts = %+v, want %+v", got, want)
	}
	for id, c := range want {
		if got[id] != c {
			t.Errorf("%s: %+v, want %+v", id, got[id], c)
		}
	}
}
