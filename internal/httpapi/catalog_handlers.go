package httpapi

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/openentry/openentry"
)

// handleGetForms serves GET /forms (JS: Forms.getAllForms).
func handleGetForms(logger *slog.Logger, forms openentry.FormService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*list[wireForm], error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		all, total, err := forms.Forms(r.Context(), q.Page)
		if err != nil {
			return nil, err
		}
		out := &list[wireForm]{Items: wireAll(all, q.Lang, toWireForm), Total: total}
		return out, nil
	})
}

// handleGetForm serves GET /forms/marker/{marker} (JS: Forms.getFormByMarker).
func handleGetForm(logger *slog.Logger, forms openentry.FormService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireForm, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		f, err := forms.Form(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireForm(f, q.Lang)
		return &out, nil
	})
}

// handleGetProduct serves GET /products/{id} (JS: Products.getProductById).
func handleGetProduct(logger *slog.Logger, products openentry.ProductService, renders *productRenders) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (encoded, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		p, err := products.Product(r.Context(), id)
		if err != nil {
			return nil, err
		}
		return encoded(renders.one(p, q.Lang, linkBase(r))), nil
	})
}

// handleGetProductBlocks serves GET /products/{id}/blocks (JS:
// Products.getProductBlockById): the visible blocks a visible product
// lists (its project entry's blocks); an unknown product is a 404.
func handleGetProductBlocks(logger *slog.Logger, blocks openentry.BlockService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireProductBlock, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		found, err := blocks.ProductBlocks(r.Context(), id)
		if err != nil {
			return nil, err
		}
		return wireAll(found, q.Lang, toWireProductBlock(linkBase(r))), nil
	})
}

// maxIDs bounds GET /products/ids.
const maxIDs = 100

// handleGetProductsByIDs serves GET /products/ids?ids=1,2 (JS: Products.getProductsByIds).
func handleGetProductsByIDs(logger *slog.Logger, products openentry.ProductService, renders *productRenders) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (encoded, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, s := range strings.Split(r.URL.Query().Get("ids"), ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				return nil, badRequest("ids must be a comma-separated list of positive integers")
			}
			ids = append(ids, id)
		}
		if len(ids) > maxIDs {
			return nil, badRequest("at most 100 ids at once")
		}
		found, err := products.ProductsByIDs(r.Context(), ids)
		if err != nil {
			return nil, err
		}
		return encodedArray(renders.all(found, q.Lang, linkBase(r))), nil
	})
}
