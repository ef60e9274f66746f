package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
)

// handleGetBlocks serves POST /blocks?type&langCode&offset&limit (JS:
// Blocks.getBlocks): a page of visible blocks; a POST without a body, as
// the SDK sends it, answered 201 like OneEntry's other POSTs.
func handleGetBlocks(logger *slog.Logger, blocks openentry.BlockService) http.Handler {
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (*list[wireBlock], error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		found, total, err := blocks.Blocks(r.Context(), r.URL.Query().Get("type"), q.Page)
		if err != nil {
			return nil, err
		}
		return &list[wireBlock]{Items: wireAll(found, q.Lang, toWireBlock(linkBase(r))), Total: total}, nil
	})
}

// handleGetBlock serves GET /blocks/marker/{marker} (JS: Blocks.getBlockByMarker).
func handleGetBlock(logger *slog.Logger, blocks openentry.BlockService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireBlock, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		b, err := blocks.Block(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireBlock(linkBase(r))(b, q.Lang)
		return &out, nil
	})
}

// handleBlockProducts serves GET /blocks/{marker}/products and
// /blocks/{marker}/similar-products (JS: Blocks.getProductsByBlockMarker,
// getSimilarProducts): the products the block lists, {items, total}.
func handleBlockProducts(logger *slog.Logger, blocks openentry.BlockService, renders *productRenders) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (encoded, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		found, total, err := blocks.BlockProducts(r.Context(), r.PathValue("marker"), q.Page)
		if err != nil {
			return nil, err
		}
		return encodedList(renders.all(found, q.Lang, linkBase(r)), total), nil
	})
}

// handleFrequentlyOrdered serves GET /blocks/{marker}/products/{id}/frequently-ordered
// (JS: Blocks.getFrequentlyOrderedProducts): the products most often in
// the same orders as product id, {items, total}.
func handleFrequentlyOrdered(logger *slog.Logger, blocks openentry.BlockService, renders *productRenders) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (encoded, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		found, err := blocks.FrequentlyOrdered(r.Context(), r.PathValue("marker"), id)
		if err != nil {
			return nil, err
		}
		return encodedList(renders.all(found, q.Lang, linkBase(r)), int64(len(found))), nil
	})
}

// handleSearchBlocks serves GET /blocks/quick/search?name= (JS: Blocks.searchBlock).
func handleSearchBlocks(logger *slog.Logger, blocks openentry.BlockService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireBlockHit, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		found, err := blocks.SearchBlocks(r.Context(), q.Lang, r.URL.Query().Get("name"))
		if err != nil {
			return nil, err
		}
		return wireAll(found, q.Lang, toWireBlockHit), nil
	})
}

// handlePageBlocks serves GET /pages/{url}/blocks (JS: Pages.getBlocksByPageUrl).
func handlePageBlocks(logger *slog.Logger, blocks openentry.BlockService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireBlock, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		found, err := blocks.PageBlocks(r.Context(), r.PathValue("url"))
		if err != nil {
			return nil, err
		}
		return wireAll(found, q.Lang, toWireBlock(linkBase(r))), nil
	})
}
