package httpapi

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/openentry/openentry"
)

// handleGetAttributeSets serves GET /attributes-sets?langCode&offset&limit&typeId&sortBy
// (JS: AttributesSets.getAttributes). typeId is a number of
// openentry.AttributeSetTypes; one no type has matches no set.
func handleGetAttributeSets(logger *slog.Logger, sets openentry.AttributeSetService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*list[wireAttributeSet], error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		sq := openentry.AttributeSetQuery{SortBy: r.URL.Query().Get("sortBy"), Page: q.Page}
		if s := r.URL.Query().Get("typeId"); s != "" {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, badRequest("typeId must be an integer")
			}
			name, ok := openentry.AttributeSetTypeName(id)
			if !ok {
				return &list[wireAttributeSet]{Items: []wireAttributeSet{}, Total: 0}, nil
			}
			sq.Type = name
		}
		found, total, err := sets.AttributeSets(r.Context(), sq)
		if err != nil {
			return nil, err
		}
		return &list[wireAttributeSet]{Items: wireAll(found, q.Lang, toWireAttributeSet), Total: total}, nil
	})
}

// handleGetAttributeSet serves GET /attributes-sets/marker/{marker} (JS:
// AttributesSets.getAttributeSetByMarker).
func handleGetAttributeSet(logger *slog.Logger, sets openentry.AttributeSetService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireAttributeSet, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		s, err := sets.AttributeSet(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireAttributeSet(s, q.Lang)
		return &out, nil
	})
}

// handleGetSetAttributes serves GET /attributes-sets/{setMarker}/attributes
// (JS: AttributesSets.getAttributesByMarker): the set's attributes in
// position order.
func handleGetSetAttributes(logger *slog.Logger, sets openentry.AttributeSetService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireSetAttribute, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		s, err := sets.AttributeSet(r.Context(), r.PathValue("setMarker"))
		if err != nil {
			return nil, err
		}
		return wireAll(s.Attributes, q.Lang, toWireSetAttribute), nil
	})
}

// handleGetSetAttribute serves GET /attributes-sets/{setMarker}/attributes/{marker}
// (JS: AttributesSets.getSingleAttributeByMarkerSet; OneEntry's shop
// template reads the listTitles of product/color for its colour filter).
func handleGetSetAttribute(logger *slog.Logger, sets openentry.AttributeSetService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireSetAttribute, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		a, err := sets.SetAttribute(r.Context(), r.PathValue("setMarker"), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireSetAttribute(a, q.Lang)
		return &out, nil
	})
}

// statusLang is the locale of a product status answer: the SDK's
// ProductStatuses calls send no langCode and pick the locale from the
// answer themselves, so without one every locale is sent.
func statusLang(r *http.Request) (string, error) {
	q, err := parseQuery(r)
	if err != nil || r.URL.Query().Get("langCode") == "" {
		return "", err
	}
	return q.Lang, nil
}

// handleGetProductStatuses serves GET /product-statuses (JS:
// ProductStatuses.getProductStatuses).
func handleGetProductStatuses(logger *slog.Logger, statuses openentry.ProductStatusService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireProductStatus, error) {
		lang, err := statusLang(r)
		if err != nil {
			return nil, err
		}
		all, err := statuses.ProductStatuses(r.Context())
		if err != nil {
			return nil, err
		}
		return wireAll(all, lang, toWireProductStatus), nil
	})
}

// handleGetProductStatus serves GET /product-statuses/marker/{marker} (JS:
// ProductStatuses.getProductsByStatusMarker, which despite its name reads
// one status: its answer is checked against ProductStatusEntitySchema).
func handleGetProductStatus(logger *slog.Logger, statuses openentry.ProductStatusService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireProductStatus, error) {
		lang, err := statusLang(r)
		if err != nil {
			return nil, err
		}
		st, err := statuses.ProductStatus(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireProductStatus(st, lang)
		return &out, nil
	})
}

// handleValidateStatusMarker serves GET /product-statuses/marker-validation/{marker}
// (JS: ProductStatuses.validateMarker): {valid} says whether a status has the marker.
func handleValidateStatusMarker(logger *slog.Logger, statuses openentry.ProductStatusService) http.Handler {
	type response struct {
		Valid bool `json:"valid"`
	}
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*response, error) {
		ok, err := statuses.ProductStatusExists(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		return &response{Valid: ok}, nil
	})
}

// handleGetRelatedProducts serves GET /products/{id}/related (JS:
// Products.getRelatedProductsById): the visible products the product lists
// as related, in its order unless sortKey says otherwise, with the list
// routes' query keys (statusMarker, attributeMarker with a condition).
func handleGetRelatedProducts(logger *slog.Logger, lists openentry.ProductListService, renders *productRenders) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (encoded, error) {
		q, err := productQuery(r)
		if err != nil {
			return nil, err
		}
		if q.RelatedTo, err = pathID(r, "id"); err != nil {
			return nil, err
		}
		found, total, err := lists.Products(r.Context(), q)
		if err != nil {
			return nil, err
		}
		return encodedList(renders.all(found, q.Lang, linkBase(r)), total), nil
	})
}
