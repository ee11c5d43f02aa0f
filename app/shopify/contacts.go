package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Contact is a customer's name and email as their latest order carried
// them, for the admin. Shopify sends them only to apps granted protected
// customer data; either may be empty.
type Contact struct {
	Name  string
	Email string
}

// contactPayload is the part of an order payload that names its customer.
type contactPayload struct {
	Email    string `json:"email"`
	Customer *struct {
		Email     string `json:"email"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	} `json:"customer"`
}

// Contacts returns the name and email of each of the shop's customers
// named, from their newest stored order payload that is not redacted
// (customers/redact blanks them); a customer with neither is left out.
func (s *Service) Contacts(ctx context.Context, shop string, customerIDs []string) (map[string]Contact, error) {
	bodies, err := s.store.LatestCustomerPayloads(ctx, shop, customerIDs)
	if err != nil {
		return nil, err
	}
	out := map[string]Contact{}
	for id, body := range bodies {
		var p contactPayload
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("contact of customer %s: %w", id, err)
		}
		c := Contact{Email: p.Email}
		if p.Customer != nil {
			c.Name = strings.TrimSpace(p.Customer.FirstName + " " + p.Customer.LastName)
			if p.Customer.Email != "" {
				c.Email = p.Customer.Email
			}
		}
		if c != (Contact{}) {
			out[id] = c
		}
	}
	return out, nil
}
