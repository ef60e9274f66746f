package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/openentry/openentry"
)

// productQuery reads what every product list route shares: langCode,
// offset, limit, sortKey, sortOrder, and the query-level filter
// (statusMarker; attributeMarker with conditionMarker and conditionValue),
// which joins the body's filters. signPrice and templateMarker are
// accepted and play no part.
func productQuery(r *http.Request) (openentry.ProductQuery, error) {
	lq, err := parseQuery(r)
	if err != nil {
		return openentry.ProductQuery{}, err
	}
	v := r.URL.Query()
	q := openentry.ProductQuery{Lang: lq.Lang, Offset: lq.Page.Offset, Limit: lq.Page.Limit,
		SortKey: v.Get("sortKey"), SortOrder: v.Get("sortOrder")}
	f := openentry.ProductFilter{StatusMarker: v.Get("statusMarker"), AttributeMarker: v.Get("attributeMarker"),
		ConditionMarker: v.Get("conditionMarker")}
	if v.Has("conditionValue") {
		f.ConditionValue, _ = json.Marshal(v.Get("conditionValue")) // a string always marshals
	}
	if f.StatusMarker != "" || f.AttributeMarker != "" || f.ConditionMarker != "" {
		q.Filters = append(q.Filters, f)
	}
	return q, nil
}

// productFilters reads a body of filter objects: a bare list (what the
// counts routes and OneEntry's documentation send) or {filter: […]} (what
// the list routes of SDK 1.0.149 send). No body, or {}, is no filter.
func productFilters(w http.ResponseWriter, r *http.Request) ([]openentry.ProductFilter, error) {
	raw, err := decode[json.RawMessage](w, r)
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '{' {
		var body struct {
			Filter json.RawMessage `json:"filter"`
		}
		if json.Unmarshal(raw, &body) != nil {
			return nil, badRequest("malformed filter body: want a list of filters or {filter: [...]}")
		}
		raw = bytes.TrimSpace(body.Filter)
		if len(raw) == 0 || string(raw) == "null" {
			return nil, nil
		}
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, badRequest("malformed filter body: want a list of filters or {filter: [...]}")
	}
	out := make([]openentry.ProductFilter, 0, len(items))
	for i, item := range items {
		if t := bytes.TrimSpace(item); len(t) == 0 || t[0] != '{' {
			return nil, badRequest(fmt.Sprintf("filter[%d] must be an object", i))
		}
		var f wireFilter
		if err := json.Unmarshal(item, &f); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) && typeErr.Field != "" {
				return nil, badRequest(fmt.Sprintf("filter[%d].%s has the wrong type", i, typeErr.Field))
			}
			return nil, badRequest(fmt.Sprintf("filter[%d] is malformed", i))
		}
		out = append(out, f.toFilter())
	}
	return out, nil
}

// productListQuery is productQuery with the body's filters.
func productListQuery(w http.ResponseWriter, r *http.Request) (openentry.ProductQuery, error) {
	q, err := productQuery(r)
	if err != nil {
		return q, err
	}
	filters, err := productFilters(w, r)
	if err != nil {
		return q, err
	}
	q.Filters = append(filters, q.Filters...)
	return q, nil
}

// pageRoute sets the route's page from the {url} or {id} path value.
func pageRoute(r *http.Request, q *openentry.ProductQuery) error {
	if url := r.PathValue("url"); url != "" {
		q.PageURL = url
		return nil
	}
	id, err := pathID(r, "id")
	q.PageID = id
	return err
}

// handleProductList serves the product list routes: POST /products/all
// (JS: Products.getProducts), POST /products/page/{id}
// (getProductsByPageId), POST /products/page/url/{url}
// (getProductsByPageUrl). OneEntry answers these POSTs 201.
func handleProductList(logger *slog.Logger, lists openentry.ProductListService, renders *productRenders, onPage bool) http.Handler {
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (encoded, error) {
		q, err := productListQuery(w, r)
		if err != nil {
			return nil, err
		}
		if onPage {
			if err := pageRoute(r, &q); err != nil {
				return nil, err
			}
		}
		products, total, err := lists.Products(r.Context(), q)
		if err != nil {
			return nil, err
		}
		return encodedList(renders.all(products, q.Lang, linkBase(r)), total), nil
	})
}

// handleProductsEmptyPage serves POST /products/empty-page (JS:
// Products.getProductsEmptyPage): the products listed on no page, as one
// group.
func handleProductsEmptyPage(logger *slog.Logger, lists openentry.ProductListService, renders *productRenders) http.Handler {
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) ([]wireProductGroup, error) {
		q, err := productListQuery(w, r)
		if err != nil {
			return nil, err
		}
		q.Unlisted = true
		products, total, err := lists.Products(r.Context(), q)
		if err != nil {
			return nil, err
		}
		g := wireProductGroup{Items: renders.all(products, q.Lang, linkBase(r)), ProductIDs: make([]string, len(products)), Total: total}
		for i, p := range products {
			g.ProductIDs[i] = strconv.FormatInt(p.ID, 10)
		}
		return []wireProductGroup{g}, nil
	})
}

// handleProductCounts serves POST /products/all/counts (JS:
// Products.getProductsCount), POST /products/page/{id}/counts
// (getProductsCountByPageId) and POST /products/page/url/{url}/counts
// (getProductsCountByPageUrl).
func handleProductCounts(logger *slog.Logger, lists openentry.ProductListService, onPage bool) http.Handler {
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (*wireProductCounts, error) {
		q, err := productListQuery(w, r)
		if err != nil {
			return nil, err
		}
		if onPage {
			if err := pageRoute(r, &q); err != nil {
				return nil, err
			}
		}
		c, err := lists.ProductCounts(r.Context(), q)
		if err != nil {
			return nil, err
		}
		out := toWireProductCounts(c)
		return &out, nil
	})
}

// handleProductPrices serves GET /products/page/{url}/prices (JS:
// Products.getProductsPriceByPageUrl): ids and prices of a page of the
// page's products.
func handleProductPrices(logger *slog.Logger, lists openentry.ProductListService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*list[wireProductPrice], error) {
		q, err := productQuery(r)
		if err != nil {
			return nil, err
		}
		q.PageURL = r.PathValue("url")
		prices, total, err := lists.ProductPrices(r.Context(), q)
		if err != nil {
			return nil, err
		}
		return &list[wireProductPrice]{Items: wireAll(prices, q.Lang, toWireProductPrice), Total: total}, nil
	})
}

// handleSearchProducts serves GET /products/quick/search?name=… (JS:
// Products.searchProduct): [{id, title}] of up to ten products.
func handleSearchProducts(logger *slog.Logger, lists openentry.ProductListService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireProductHit, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		hits, err := lists.SearchProducts(r.Context(), q.Lang, r.URL.Query().Get("name"))
		if err != nil {
			return nil, err
		}
		return wireAll(hits, q.Lang, toWireProductHit), nil
	})
}
