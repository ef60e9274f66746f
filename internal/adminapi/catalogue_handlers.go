package adminapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

// productJSON is a product as the editor reads it. Its stock attribute's
// value is the units left now, so that saving it back unchanged keeps
// them (the version says no sale came between).
type productJSON struct {
	ID                     int64                     `json:"id"`
	Version                int64                     `json:"version"`
	Title                  map[string]string         `json:"title"`
	LocalizeInfos          openentry.Localized       `json:"localizeInfos"`
	Price                  string                    `json:"price"`
	Currency               string                    `json:"currency"`
	Sku                    string                    `json:"sku"`
	Status                 string                    `json:"status"`
	Visible                bool                      `json:"visible"`
	Position               int64                     `json:"position"`
	AttributeSetIdentifier string                    `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues `json:"attributeValues"`
	StockAttribute         string                    `json:"stockAttribute"`
	Stock                  *int64                    `json:"stock"`
	RelatedIDs             []int64                   `json:"relatedIds"`
	Pages                  []string                  `json:"pages"`
	Blocks                 []string                  `json:"blocks"`
	CreatedAt              openentry.Time            `json:"createdAt"`
	UpdatedAt              openentry.Time            `json:"updatedAt"`
}

func toProductJSON(p openentry.AdminProduct) productJSON {
	out := productJSON{ID: p.ID, Version: p.Version, Title: titles(p.LocalizeInfos), LocalizeInfos: p.LocalizeInfos,
		Price: p.Price.Fixed(), Currency: p.Price.Currency, Sku: p.Sku, Status: p.StatusIdentifier, Visible: p.IsVisible,
		Position: p.Position, AttributeSetIdentifier: p.AttributeSetIdentifier, AttributeValues: p.AttributeValues,
		StockAttribute: p.StockAttribute, Stock: p.Stock, RelatedIDs: p.RelatedIDs, Pages: p.Categories(), Blocks: p.Blocks,
		CreatedAt: openentry.Time(p.CreatedAt), UpdatedAt: openentry.Time(p.UpdatedAt)}
	if out.LocalizeInfos == nil {
		out.LocalizeInfos = openentry.Localized{}
	}
	for _, s := range []*[]string{&out.Pages, &out.Blocks} {
		if *s == nil {
			*s = []string{}
		}
	}
	if out.RelatedIDs == nil {
		out.RelatedIDs = []int64{}
	}
	values := openentry.AttributeValues{}
	for lang, byMarker := range p.AttributeValues {
		values[lang] = map[string]json.RawMessage{}
		for k, v := range byMarker {
			values[lang][k] = v
		}
	}
	if p.Stock != nil && p.StockAttribute != "" {
		units := json.RawMessage(strconv.FormatInt(*p.Stock, 10))
		placed := false
		for _, byMarker := range values {
			if _, ok := byMarker[p.StockAttribute]; ok {
				byMarker[p.StockAttribute], placed = units, true
			}
		}
		if !placed {
			if values[openentry.DefaultLocale] == nil {
				values[openentry.DefaultLocale] = map[string]json.RawMessage{}
			}
			values[openentry.DefaultLocale][p.StockAttribute] = units
		}
	}
	out.AttributeValues = values
	return out
}

// productContent is what a creation or a change writes: a project file's
// product, without its place (reorder) or visibility (hide, show).
type productContent struct {
	Title                  map[string]string         `json:"title"`
	Price                  decimal                   `json:"price"`
	Currency               string                    `json:"currency"`
	Sku                    string                    `json:"sku"`
	Status                 string                    `json:"status"`
	AttributeSetIdentifier string                    `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues `json:"attributeValues"`
	RelatedIDs             []int64                   `json:"relatedIds"`
	Pages                  []string                  `json:"pages"` // absent: kept
	Blocks                 []string                  `json:"blocks"`
}

func (c productContent) product(id int64, hidden bool) openentry.ProjectProduct {
	return openentry.ProjectProduct{ID: id, Title: c.Title, Price: json.Number(c.Price), Currency: c.Currency, Sku: c.Sku, Status: c.Status,
		Hidden: hidden, AttributeSetIdentifier: c.AttributeSetIdentifier, AttributeValues: c.AttributeValues,
		RelatedIDs: c.RelatedIDs, Pages: c.Pages, Blocks: c.Blocks}
}

// decimal is a price as sent, a JSON string or number, kept as its text:
// the use case reads it exactly (openentry.ParseMoney) and names what is wrong.
type decimal string

func (d *decimal) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*d = decimal(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("price must be a decimal, as a string (\"12.50\") or a number")
	}
	*d = decimal(n)
	return nil
}

func productQuery(r *http.Request) (openentry.AdminProductQuery, error) {
	q := r.URL.Query()
	out := openentry.AdminProductQuery{Text: q.Get("q"), Status: q.Get("status"), SortBy: q.Get("sortBy")}
	var err error
	if out.Page, err = pageOf(r); err != nil {
		return out, err
	}
	switch q.Get("visible") {
	case "":
	case "true", "false":
		v := q.Get("visible") == "true"
		out.Visible = &v
	default:
		return out, openentry.Invalid("visible must be true or false")
	}
	switch q.Get("order") {
	case "", "asc":
	case "desc":
		out.Desc = true
	default:
		return out, openentry.Invalid("order must be asc or desc")
	}
	if !utf8.ValidString(out.Text) || !utf8.ValidString(out.Status) {
		return out, openentry.Invalid("q and status must be valid UTF-8")
	}
	return out, nil
}

func handleListProducts(logger *slog.Logger, cat *shop.CatalogueAdmin) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[productJSON], error) {
		q, err := productQuery(r)
		if err != nil {
			return list[productJSON]{}, err
		}
		items, total, err := cat.Products(r.Context(), a, q)
		if err != nil {
			return list[productJSON]{}, err
		}
		out := list[productJSON]{Items: make([]productJSON, len(items)), Total: total}
		for i, p := range items {
			out.Items[i] = toProductJSON(p)
		}
		return out, nil
	})
}

func handleGetProduct(logger *slog.Logger, cat *shop.CatalogueAdmin) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (productJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return productJSON{}, err
		}
		p, err := cat.Product(r.Context(), a, id)
		if err != nil {
			return productJSON{}, err
		}
		return toProductJSON(*p), nil
	})
}

func handleCreateProduct(logger *slog.Logger, cat *shop.CatalogueAdmin) actorHandler {
	type request struct {
		productContent
		ID     int64 `json:"id"` // absent: the next free id
		Hidden bool  `json:"hidden"`
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (productJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return productJSON{}, err
		}
		if in.ID < 0 {
			return productJSON{}, openentry.Invalid("id must be positive")
		}
		p, err := cat.CreateProduct(r.Context(), a, in.product(in.ID, in.Hidden))
		if err != nil {
			return productJSON{}, err
		}
		return toProductJSON(*p), nil
	})
}

func handleUpdateProduct(logger *slog.Logger, cat *shop.CatalogueAdmin) actorHandler {
	type request struct {
		productContent
		Version int64 `json:"version"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (productJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return productJSON{}, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return productJSON{}, err
		}
		p, err := cat.UpdateProduct(r.Context(), a, in.Version, in.product(id, false))
		if err != nil {
			return productJSON{}, err
		}
		return toProductJSON(*p), nil
	})
}

func handleSetProductVisible(logger *slog.Logger, cat *shop.CatalogueAdmin, visible bool) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (productJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return productJSON{}, err
		}
		p, err := cat.SetProductVisible(r.Context(), a, id, visible)
		if err != nil {
			return productJSON{}, err
		}
		return toProductJSON(*p), nil
	})
}

func handleDeleteProduct(logger *slog.Logger, cat *shop.CatalogueAdmin) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		id, err := idOf(r, "id")
		if err == nil {
			err = cat.DeleteProduct(r.Context(), a, id)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func handleReorderProducts(logger *slog.Logger, cat *shop.CatalogueAdmin) actorHandler {
	type request struct {
		IDs []int64 `json:"ids"`
	}
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		in, err := decode[request](w, r)
		if err == nil {
			err = cat.ReorderProducts(r.Context(), a, in.IDs)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// filesPath is where the Content API serves stored files (httpapi's
// wire_files.go): links are relative to the server, as the dashboard is.
const filesPath = "/cloud-static/files/"

// maxImageBody bounds an image upload's request: the file and its form.
const maxImageBody = openentry.MaxFileSize + 64<<10

func handleProductImage(logger *slog.Logger, cat *shop.CatalogueAdmin) actorHandler {
	type response struct {
		Marker       string            `json:"marker"`
		Value        openentry.FileRef `json:"value"` // what attributeValues hold for it
		DownloadLink string            `json:"downloadLink"`
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (response, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return response{}, err
		}
		part, marker, err := imagePart(w, r)
		if err != nil {
			return response{}, err
		}
		ref, err := cat.ProductImage(r.Context(), a, id, marker, part)
		if err != nil {
			return response{}, err
		}
		return response{Marker: marker, Value: *ref,
			DownloadLink: fmt.Sprintf("%s%d/%s", filesPath, ref.FileID, ref.Filename)}, nil
	})
}

// imagePart reads a multipart form's "marker" field and "file" file.
func imagePart(w http.ResponseWriter, r *http.Request) (openentry.UploadPart, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImageBody)
	if err := r.ParseMultipartForm(maxImageBody); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return openentry.UploadPart{}, "", &openentry.Error{Code: openentry.ErrTooLarge, Message: fmt.Sprintf("file: at most %d MiB", openentry.MaxFileSize>>20)}
		}
		return openentry.UploadPart{}, "", openentry.Invalid("send a multipart/form-data body with the fields marker and file")
	}
	defer r.MultipartForm.RemoveAll()
	marker := r.FormValue("marker")
	if !openentry.ValidMarker(marker) {
		return openentry.UploadPart{}, "", openentry.Invalid("marker: name the image attribute")
	}
	f, h, err := r.FormFile("file")
	if err != nil {
		return openentry.UploadPart{}, "", openentry.Invalid(`file: send the image as the multipart field "file"`)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return openentry.UploadPart{}, "", openentry.Invalid("file: could not be read")
	}
	if !utf8.ValidString(h.Filename) {
		return openentry.UploadPart{}, "", openentry.Invalid("file: its name is not valid UTF-8")
	}
	return openentry.UploadPart{Name: h.Filename, Bytes: data}, marker, nil
}

type productStatusJSON struct {
	Identifier string            `json:"identifier"`
	Title      map[string]string `json:"title"`
	Position   int64             `json:"position"`
	IsDefault  bool              `json:"isDefault"`
	NotForSale bool              `json:"notForSale"`
	Version    int64             `json:"version"`
}

func toProductStatusJSON(st openentry.ProductStatus) productStatusJSON {
	return productStatusJSON{Identifier: st.Identifier, Title: titles(st.LocalizeInfos), Position: st.Position,
		IsDefault: st.IsDefault, NotForSale: !st.Purchasable, Version: st.Version}
}

// titles reads the title of each locale of localizeInfos.
func titles(infos openentry.Localized) map[string]string {
	out := map[string]string{}
	for lang, raw := range infos {
		var t struct {
			Title string `json:"title"`
		}
		if json.Unmarshal(raw, &t) == nil {
			out[lang] = t.Title
		}
	}
	return out
}

func handleListProductStatuses(logger *slog.Logger, cat *shop.CatalogueAdmin) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) ([]productStatusJSON, error) {
		all, err := cat.ProductStatuses(r.Context(), a)
		if err != nil {
			return nil, err
		}
		out := make([]productStatusJSON, len(all))
		for i, st := range all {
			out[i] = toProductStatusJSON(st)
		}
		return out, nil
	})
}

// handleSaveProductStatus creates a status (POST, identifier in the body)
// or changes one (PUT, identifier in the path, with its version).
func handleSaveProductStatus(logger *slog.Logger, cat *shop.CatalogueAdmin, create bool) actorHandler {
	type request struct {
		Identifier string            `json:"identifier"` // POST only
		Version    int64             `json:"version"`    // PUT only
		Title      map[string]string `json:"title"`
		IsDefault  bool              `json:"isDefault"`
		NotForSale bool              `json:"notForSale"`
	}
	status := http.StatusOK
	if create {
		status = http.StatusCreated
	}
	return handleActor(logger, status, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (productStatusJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return productStatusJSON{}, err
		}
		if create && in.Version != 0 || !create && in.Identifier != "" {
			return productStatusJSON{}, openentry.Invalid("identifier goes in the body of a creation, version in that of a change")
		}
		if !create {
			in.Identifier = r.PathValue("marker")
		}
		st, err := cat.SaveProductStatus(r.Context(), a, openentry.ProductStatusWrite{Create: create, Version: in.Version,
			Status: openentry.ProjectProductStatus{Identifier: in.Identifier, Title: in.Title, IsDefault: in.IsDefault, NotForSale: in.NotForSale}})
		if err != nil {
			return productStatusJSON{}, err
		}
		return toProductStatusJSON(*st), nil
	})
}

func handleDeleteProductStatus(logger *slog.Logger, cat *shop.CatalogueAdmin) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		if err := cat.DeleteProductStatus(r.Context(), a, r.PathValue("marker")); err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
