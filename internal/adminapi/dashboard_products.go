package adminapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/openentry/openentry"
)

func (d *dashboard) products(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	q, err := productQuery(formQuery(r))
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	list, total, err := d.cfg.Catalogue.Products(r.Context(), a, q)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	d.render(w, r, http.StatusOK, "products", view{Title: "Products", Actor: a, CSRF: d.csrf(r), Data: struct {
		Products []openentry.AdminProduct
		Pager    pager
	}{list, newPager(r, total, q.Page)}})
}

// productForm is the product page's data: the product, its content as
// the JSON the editor shows, and the statuses to choose from.
type productForm struct {
	Product  *openentry.AdminProduct
	Content  string
	Statuses []openentry.ProductStatus
}

// newProductContent is what the new-product editor starts from: the
// demo's product set, a price and units.
const newProductContent = `{
  "title": {"en_US": "New product"},
  "price": "10.00",
  "currency": "USD",
  "sku": "",
  "status": "",
  "attributeSetIdentifier": "product",
  "attributeValues": {"en_US": {"price": 10, "units_product": 1}},
  "relatedIds": [],
  "pages": [],
  "blocks": []
}`

func (d *dashboard) productPage(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	statuses, err := d.cfg.Catalogue.ProductStatuses(r.Context(), a)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	if r.PathValue("id") == "new" {
		d.render(w, r, http.StatusOK, "product", view{Title: "New product", Actor: a, CSRF: d.csrf(r),
			Data: productForm{Content: newProductContent, Statuses: statuses}})
		return
	}
	id, err := idOf(r, "id")
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	p, err := d.cfg.Catalogue.Product(r.Context(), a, id)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	content, err := json.MarshalIndent(contentOf(*p), "", "  ")
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	d.render(w, r, http.StatusOK, "product", view{Title: fmt.Sprintf("Product %d", p.ID), Actor: a, CSRF: d.csrf(r),
		Data: productForm{Product: p, Content: string(content), Statuses: statuses}})
}

// contentOf is a product's content as an update writes it.
func contentOf(p openentry.AdminProduct) productContent {
	j := toProductJSON(p)
	return productContent{Title: j.Title, Price: decimal(j.Price), Currency: j.Currency, Sku: j.Sku, Status: j.Status,
		AttributeSetIdentifier: j.AttributeSetIdentifier, AttributeValues: j.AttributeValues, RelatedIDs: j.RelatedIDs,
		Pages: j.Pages, Blocks: j.Blocks}
}

// readContent decodes the editor's JSON as the API's body is decoded.
func readContent(s string) (productContent, error) {
	var c productContent
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, openentry.Invalid("content: not a product's JSON: " + err.Error())
	}
	return c, nil
}

func (d *dashboard) createProduct(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	c, err := readContent(r.PostFormValue("content"))
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	p, err := d.cfg.Catalogue.CreateProduct(r.Context(), a, c.product(0, r.PostFormValue("hidden") == "true"))
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	done(w, r, fmt.Sprintf("/admin/products/%d", p.ID), fmt.Sprintf("Product %d created", p.ID))
}

// updateProduct saves the product page's form: the quick fields (title,
// price, units, status) over the content as read, or the whole JSON.
func (d *dashboard) updateProduct(r *http.Request, a openentry.Actor, id, version int64) (string, error) {
	p, err := d.cfg.Catalogue.Product(r.Context(), a, id)
	if err != nil {
		return "", err
	}
	c := contentOf(*p)
	if raw := r.PostFormValue("content"); raw != "" {
		if c, err = readContent(raw); err != nil {
			return "", err
		}
	} else {
		if t := r.PostFormValue("title"); t != "" {
			c.Title[openentry.DefaultLocale] = t
		}
		if v := r.PostFormValue("price"); v != "" {
			c.Price = decimal(v)
		}
		c.Status = r.PostFormValue("status")
		if v := r.PostFormValue("units"); v != "" && p.StockAttribute != "" {
			units, err := strconv.ParseInt(v, 10, 64)
			if err != nil || units < 0 {
				return "", openentry.Invalid("units: a whole number ≥ 0")
			}
			setValue(c.AttributeValues, p.StockAttribute, json.RawMessage(strconv.FormatInt(units, 10)))
		}
	}
	if _, err := d.cfg.Catalogue.UpdateProduct(r.Context(), a, version, c.product(id, !p.IsVisible)); err != nil {
		return "", err
	}
	return fmt.Sprintf("Product %d saved", id), nil
}

// setValue sets an attribute's value in every locale that has it, or in
// the default locale.
func setValue(values openentry.AttributeValues, marker string, v json.RawMessage) {
	placed := false
	for _, byMarker := range values {
		if _, ok := byMarker[marker]; ok {
			byMarker[marker], placed = v, true
		}
	}
	if !placed {
		if values[openentry.DefaultLocale] == nil {
			values[openentry.DefaultLocale] = map[string]json.RawMessage{}
		}
		values[openentry.DefaultLocale][marker] = v
	}
}

func (d *dashboard) setProductVisible(r *http.Request, a openentry.Actor, id, _ int64) (string, error) {
	visible := r.PostFormValue("visible") == "true"
	if _, err := d.cfg.Catalogue.SetProductVisible(r.Context(), a, id, visible); err != nil {
		return "", err
	}
	if visible {
		return "Product shown in the shop", nil
	}
	return "Product hidden from the shop", nil
}

// productImage stores an uploaded image and makes it the value of the
// product's image attribute (added to a group of images).
func (d *dashboard) productImage(r *http.Request, a openentry.Actor, id, version int64) (string, error) {
	part, marker, err := imagePart(nil, r)
	if err != nil {
		return "", err
	}
	ref, err := d.cfg.Catalogue.ProductImage(r.Context(), a, id, marker, part)
	if err != nil {
		return "", err
	}
	p, err := d.cfg.Catalogue.Product(r.Context(), a, id)
	if err != nil {
		return "", err
	}
	c := contentOf(*p)
	value, err := json.Marshal(ref)
	if err != nil {
		return "", err
	}
	if old := c.AttributeValues[openentry.DefaultLocale][marker]; len(old) > 0 && bytes.HasPrefix(bytes.TrimSpace(old), []byte("[")) {
		var group []json.RawMessage
		if json.Unmarshal(old, &group) == nil {
			value, _ = json.Marshal(append(group, value))
		}
	}
	setValue(c.AttributeValues, marker, value)
	if _, err := d.cfg.Catalogue.UpdateProduct(r.Context(), a, version, c.product(id, !p.IsVisible)); err != nil {
		return "", err
	}
	return fmt.Sprintf("Image %s is the product's %s", ref.Filename, marker), nil
}

func toProduct(_ *http.Request, id int64) string { return fmt.Sprintf("/admin/products/%d", id) }
