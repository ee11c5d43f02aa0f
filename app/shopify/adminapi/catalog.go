package adminapi

import (
	"context"
	"strings"
)

// Variant prices, the rate metaobject and webhook subscriptions.

// VariantPrice is a product variant's shop-currency price and its stored
// Tari price (the custom.tari_price metafield), if any.
type VariantPrice struct {
	ID        string // numeric
	Price     string
	TariPrice *string
}

type variantNode struct {
	ID        string `json:"id"`
	Price     string `json:"price"`
	Metafield *struct {
		Value string `json:"value"`
	} `json:"metafield"`
}

func (n variantNode) price() VariantPrice {
	v := VariantPrice{ID: numericID(n.ID), Price: n.Price}
	if n.Metafield != nil {
		s := n.Metafield.Value
		v.TariPrice = &s
	}
	return v
}

const shopQuery = `query ShopCurrency { shop { currencyCode } }`

// ShopCurrency returns the currency the shop books and prices products in.
func (a *Client) ShopCurrency(ctx context.Context) (string, error) {
	var resp struct {
		Shop struct {
			CurrencyCode string `json:"currencyCode"`
		} `json:"shop"`
	}
	if err := a.query(ctx, "ShopCurrency", shopQuery, nil, &resp); err != nil {
		return "", err
	}
	return strings.ToUpper(resp.Shop.CurrencyCode), nil
}

const variantsQuery = `query Variants($after: String) {
  productVariants(first: 250, after: $after) {
    nodes { id price metafield(namespace: "custom", key: "tari_price") { value } }
    pageInfo { hasNextPage endCursor }
  }
}`

// Variants returns one page of variants and the cursor of the next page
// ("" after the last).
func (a *Client) Variants(ctx context.Context, after string) ([]VariantPrice, string, error) {
	var resp struct {
		ProductVariants struct {
			Nodes    []variantNode `json:"nodes"`
			PageInfo struct {
				HasNextPage bool   `json:"hasNextPage"`
				EndCursor   string `json:"endCursor"`
			} `json:"pageInfo"`
		} `json:"productVariants"`
	}
	vars := map[string]any{"after": nil}
	if after != "" {
		vars["after"] = after
	}
	if err := a.query(ctx, "Variants", variantsQuery, vars, &resp); err != nil {
		return nil, "", err
	}
	out := make([]VariantPrice, len(resp.ProductVariants.Nodes))
	for i, n := range resp.ProductVariants.Nodes {
		out[i] = n.price()
	}
	next := ""
	if resp.ProductVariants.PageInfo.HasNextPage {
		next = resp.ProductVariants.PageInfo.EndCursor
	}
	return out, next, nil
}

const variantsByIDQuery = `query VariantsByID($ids: [ID!]!) {
  nodes(ids: $ids) { ... on ProductVariant { id price metafield(namespace: "custom", key: "tari_price") { value } } }
}`

// VariantsByID reads the given variants in one call (at most 250).
func (a *Client) VariantsByID(ctx context.Context, ids []string) ([]VariantPrice, error) {
	gids := make([]string, len(ids))
	for i, id := range ids {
		gids[i] = gid("ProductVariant", id)
	}
	var resp struct {
		Nodes []*variantNode `json:"nodes"`
	}
	if err := a.query(ctx, "VariantsByID", variantsByIDQuery, map[string]any{"ids": gids}, &resp); err != nil {
		return nil, err
	}
	var out []VariantPrice
	for _, n := range resp.Nodes {
		if n != nil && n.ID != "" {
			out = append(out, n.price())
		}
	}
	return out, nil
}

const setPricesMutation = `mutation SetTariPrices($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message } }
}`

// MaxMetafieldsSet is metafieldsSet's per-call limit.
const MaxMetafieldsSet = 25

// setMetafields writes up to 25 metafields with doc, a metafieldsSet
// operation named op; a value equal to the stored one changes nothing, so
// a repeat is safe.
func (a *Client) setMetafields(ctx context.Context, op, doc string, fields []map[string]any) error {
	var resp struct {
		MetafieldsSet struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"metafieldsSet"`
	}
	if err := a.query(ctx, op, doc, map[string]any{"metafields": fields}, &resp); err != nil {
		return err
	}
	return checkUserErrors(op, resp.MetafieldsSet.UserErrors)
}

// SetTariPrices writes custom.tari_price (µT) on up to 25 variants at once.
func (a *Client) SetTariPrices(ctx context.Context, prices map[string]string) error {
	var fields []map[string]any
	for id, v := range prices {
		fields = append(fields, map[string]any{
			"ownerId": gid("ProductVariant", id), "namespace": "custom", "key": "tari_price",
			"type": "number_integer", "value": v,
		})
	}
	return a.setMetafields(ctx, "SetTariPrices", setPricesMutation, fields)
}

const upsertRatesMutation = `mutation UpsertRates($handle: MetaobjectHandleInput!, $metaobject: MetaobjectUpsertInput!) {
  metaobjectUpsert(handle: $handle, metaobject: $metaobject) { metaobject { id } userErrors { field message } }
}`

// UpsertRate sets one currency's field of the tari_price/tari-price-global
// metaobject. Keys are lower-case, as the theme reads them (README.md, "Shopify").
func (a *Client) UpsertRate(ctx context.Context, currency, microTari string) error {
	var resp struct {
		MetaobjectUpsert struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"metaobjectUpsert"`
	}
	vars := map[string]any{
		"handle":     map[string]any{"type": "tari_price", "handle": "tari-price-global"},
		"metaobject": map[string]any{"fields": []map[string]any{{"key": strings.ToLower(currency), "value": microTari}}},
	}
	if err := a.query(ctx, "UpsertRates", upsertRatesMutation, vars, &resp); err != nil {
		return err
	}
	return checkUserErrors("UpsertRates", resp.MetaobjectUpsert.UserErrors)
}

// Subscription is a webhook subscription of the shop. Its uri field and
// input replaced callbackUrl in API version 2025-10.
type Subscription struct {
	ID          string
	Topic       string // GraphQL enum, e.g. ORDERS_CREATE
	CallbackURL string
}

const subscriptionsQuery = `query WebhookSubscriptions($after: String) {
  webhookSubscriptions(first: 100, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}`

// Subscriptions lists the shop's webhook subscriptions.
func (a *Client) Subscriptions(ctx context.Context) ([]Subscription, error) {
	var out []Subscription
	after := any(nil)
	for {
		var resp struct {
			WebhookSubscriptions struct {
				Nodes []struct {
					ID    string `json:"id"`
					Topic string `json:"topic"`
					URI   string `json:"uri"`
				} `json:"nodes"`
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
			} `json:"webhookSubscriptions"`
		}
		if err := a.query(ctx, "WebhookSubscriptions", subscriptionsQuery, map[string]any{"after": after}, &resp); err != nil {
			return nil, err
		}
		for _, n := range resp.WebhookSubscriptions.Nodes {
			out = append(out, Subscription{ID: n.ID, Topic: n.Topic, CallbackURL: n.URI})
		}
		if !resp.WebhookSubscriptions.PageInfo.HasNextPage {
			return out, nil
		}
		after = resp.WebhookSubscriptions.PageInfo.EndCursor
	}
}

const createSubscriptionMutation = `mutation CreateWebhook($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id } userErrors { field message } }
}`

// CreateSubscription subscribes callbackURL to a topic (GraphQL enum name).
func (a *Client) CreateSubscription(ctx context.Context, topic, callbackURL string) error {
	var resp struct {
		WebhookSubscriptionCreate struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"webhookSubscriptionCreate"`
	}
	vars := map[string]any{"topic": topic, "sub": map[string]any{"uri": callbackURL, "format": "JSON"}}
	if err := a.query(ctx, "CreateWebhook", createSubscriptionMutation, vars, &resp); err != nil {
		return err
	}
	return checkUserErrors("CreateWebhook", resp.WebhookSubscriptionCreate.UserErrors)
}

const updateSubscriptionMutation = `mutation UpdateWebhook($id: ID!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionUpdate(id: $id, webhookSubscription: $sub) { webhookSubscription { id } userErrors { field message } }
}`

// UpdateSubscription points an existing subscription at callbackURL.
func (a *Client) UpdateSubscription(ctx context.Context, id, callbackURL string) error {
	var resp struct {
		WebhookSubscriptionUpdate struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"webhookSubscriptionUpdate"`
	}
	vars := map[string]any{"id": id, "sub": map[string]any{"uri": callbackURL}}
	if err := a.query(ctx, "UpdateWebhook", updateSubscriptionMutation, vars, &resp); err != nil {
		return err
	}
	return checkUserErrors("UpdateWebhook", resp.WebhookSubscriptionUpdate.UserErrors)
}

const rateDefinitionQuery = `query RateDefinition {
  metaobjectDefinitionByType(type: "tari_price") { id fieldDefinitions { key } }
}`

const createRateDefinitionMutation = `mutation CreateRateDefinition($definition: MetaobjectDefinitionCreateInput!) {
  metaobjectDefinitionCreate(definition: $definition) { metaobjectDefinition { id } userErrors { field message } }
}`

const addRateFieldMutation = `mutation AddRateField($id: ID!, $definition: MetaobjectDefinitionUpdateInput!) {
  metaobjectDefinitionUpdate(id: $id, definition: $definition) { metaobjectDefinition { id } userErrors { field message } }
}`

// EnsureRateField makes sure the tari_price metaobject definition exists,
// readable by the storefront, with a field for currency: the reference left
// creating it to the merchant, and an upsert to a missing field fails.
func (a *Client) EnsureRateField(ctx context.Context, currency string) error {
	key := strings.ToLower(currency)
	field := map[string]any{"key": key, "name": strings.ToUpper(currency) + " rate (µT per unit)", "type": "number_integer"}
	var def struct {
		Definition *struct {
			ID               string `json:"id"`
			FieldDefinitions []struct {
				Key string `json:"key"`
			} `json:"fieldDefinitions"`
		} `json:"metaobjectDefinitionByType"`
	}
	if err := a.query(ctx, "RateDefinition", rateDefinitionQuery, nil, &def); err != nil {
		return err
	}
	var resp struct {
		Create struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"metaobjectDefinitionCreate"`
		Update struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"metaobjectDefinitionUpdate"`
	}
	if def.Definition == nil {
		vars := map[string]any{"definition": map[string]any{
			"type": "tari_price", "name": "Tari price", "access": map[string]any{"storefront": "PUBLIC_READ"},
			"fieldDefinitions": []any{field},
		}}
		if err := a.query(ctx, "CreateRateDefinition", createRateDefinitionMutation, vars, &resp); err != nil {
			return err
		}
		return checkUserErrors("CreateRateDefinition", resp.Create.UserErrors)
	}
	for _, f := range def.Definition.FieldDefinitions {
		if f.Key == key {
			return nil
		}
	}
	vars := map[string]any{"id": def.Definition.ID, "definition": map[string]any{
		"fieldDefinitions": []any{map[string]any{"create": field}},
	}}
	if err := a.query(ctx, "AddRateField", addRateFieldMutation, vars, &resp); err != nil {
		return err
	}
	return checkUserErrors("AddRateField", resp.Update.UserErrors)
}

const createPriceDefinitionMutation = `mutation CreateTariPriceDefinition($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) { createdDefinition { id } userErrors { field message code } }
}`

// EnsureTariPriceDefinition makes sure the variants' custom.tari_price
// metafield is defined and readable by the storefront; "already taken" is
// success.
func (a *Client) EnsureTariPriceDefinition(ctx context.Context) error {
	return a.ensureMetafieldDefinition(ctx, "CreateTariPriceDefinition", createPriceDefinitionMutation, map[string]any{
		"name": "Tari price", "namespace": "custom", "key": "tari_price", "type": "number_integer",
		"ownerType": "PRODUCTVARIANT", "description": "Price in µT, kept in step with the exchange rate by taripay",
		"access": map[string]any{"storefront": "PUBLIC_READ"},
	})
}

// ensureMetafieldDefinition creates a metafield definition with doc, a
// metafieldDefinitionCreate operation named op; "already taken" is success.
func (a *Client) ensureMetafieldDefinition(ctx context.Context, op, doc string, def map[string]any) error {
	var resp struct {
		Create struct {
			UserErrors []struct {
				userError
				Code string `json:"code"`
			} `json:"userErrors"`
		} `json:"metafieldDefinitionCreate"`
	}
	if err := a.query(ctx, op, doc, map[string]any{"definition": def}, &resp); err != nil {
		return err
	}
	var errs []userError
	for _, e := range resp.Create.UserErrors {
		if e.Code != "TAKEN" {
			errs = append(errs, e.userError)
		}
	}
	return checkUserErrors(op, errs)
}
