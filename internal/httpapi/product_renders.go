package httpapi

import (
	"encoding/json"
	"sync"

	"github.com/openentry/openentry"
)

// maxRenders bounds productRenders: about 2 kB each.
const maxRenders = 20000

// productRenders keeps products' JSON as the product routes answer it. A
// list page renders 30 products, and shaping and encoding them was half
// of a catalogue page's CPU; a product's JSON changes only with the
// catalogue (its revision, bumped by every apply in the database, so every
// instance sees it) or its units left (read live with it), so those, the
// locale and the link base are the key. Past maxRenders it starts over.
type productRenders struct {
	mu sync.Mutex
	m  map[renderKey]json.RawMessage
}

type renderKey struct {
	id, revision int64
	stock        int64 // -1 for a product that counts none
	lang, base   string
}

func newProductRenders() *productRenders {
	return &productRenders{m: map[renderKey]json.RawMessage{}}
}

// one returns p's JSON in lang with its file links under base.
func (c *productRenders) one(p *openentry.Product, lang, base string) json.RawMessage {
	k := renderKey{id: p.ID, revision: p.Revision, stock: -1, lang: lang, base: base}
	if p.Stock != nil {
		k.stock = *p.Stock
	}
	c.mu.Lock()
	raw, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return raw
	}
	raw, err := json.Marshal(wireProductAt(p, lang, base))
	if err != nil {
		panic(err) // plain structs, strings and validated raw JSON: cannot fail
	}
	c.mu.Lock()
	if len(c.m) >= maxRenders {
		clear(c.m)
	}
	c.m[k] = raw
	c.mu.Unlock()
	return raw
}

// all renders products in order.
func (c *productRenders) all(products []openentry.Product, lang, base string) []json.RawMessage {
	out := make([]json.RawMessage, len(products))
	for i := range products {
		out[i] = c.one(&products[i], lang, base)
	}
	return out
}
