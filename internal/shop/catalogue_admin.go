package shop

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/openentry/openentry"
)

// CatalogueAdmin is the admin API's side of the catalogue. A product
// written here is a project file's product written alone: checked by the
// same rules (Project.Validate, the set's attribute checks, the stock
// attribute's units) and stored by the same code, which keeps the search
// index, the catalogue revision and the product events in its transaction.
type CatalogueAdmin struct {
	store    openentry.Store
	projects *Projects // for their checks of a file's products; no providers or hashing needed
}

// NewCatalogueAdmin returns the catalogue's admin use cases over store.
func NewCatalogueAdmin(store openentry.Store) *CatalogueAdmin {
	return &CatalogueAdmin{store: store, projects: &Projects{store: store}}
}

// Limits of what an admin writes into a product.
const (
	maxProductTitle = 500
	maxProductSku   = 200
)

// Products lists products, hidden ones too.
func (c *CatalogueAdmin) Products(ctx context.Context, by openentry.Actor, q openentry.AdminProductQuery) ([]openentry.AdminProduct, int64, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, 0, err
	}
	if q.SortBy != "" && !slices.Contains(openentry.AdminProductSorts, q.SortBy) {
		return nil, 0, openentry.Invalid(fmt.Sprintf("sortBy must be one of %s", strings.Join(openentry.AdminProductSorts, ", ")))
	}
	if utf8.RuneCountInString(q.Text) > maxProductTitle {
		return nil, 0, openentry.Invalid(fmt.Sprintf("q: at most %d characters", maxProductTitle))
	}
	return c.store.AdminProducts(ctx, q)
}

// Product returns a product, hidden or not.
func (c *CatalogueAdmin) Product(ctx context.Context, by openentry.Actor, id int64) (*openentry.AdminProduct, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return c.store.AdminProduct(ctx, id)
}

// CreateProduct creates a product; an ID of 0 takes the next free one.
func (c *CatalogueAdmin) CreateProduct(ctx context.Context, by openentry.Actor, pr openentry.ProjectProduct) (*openentry.AdminProduct, error) {
	return c.save(ctx, by, openentry.ProductWrite{Product: pr, Create: true}, "product.create")
}

// UpdateProduct replaces a product's content (not its place or
// visibility) if it is still at version.
func (c *CatalogueAdmin) UpdateProduct(ctx context.Context, by openentry.Actor, version int64, pr openentry.ProjectProduct) (*openentry.AdminProduct, error) {
	if version <= 0 {
		return nil, openentry.Invalid("version: the version the product was read at is required")
	}
	return c.save(ctx, by, openentry.ProductWrite{Product: pr, Version: version}, "product.update")
}

func (c *CatalogueAdmin) save(ctx context.Context, by openentry.Actor, w openentry.ProductWrite, action string) (*openentry.AdminProduct, error) {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return nil, err
	}
	if err := c.check(ctx, &w); err != nil {
		return nil, err
	}
	return c.store.SaveProduct(ctx, w, openentry.Audit{Actor: by, Action: action})
}

// newProductID stands for the id a creation will get while it is checked.
const newProductID = math.MaxInt64

// check validates w's product as a project file's and reads its units
// from the set's stock attribute: given, they are set; left out, a new
// product has none and a changed one keeps its own.
func (c *CatalogueAdmin) check(ctx context.Context, w *openentry.ProductWrite) error {
	pr := w.Product
	if w.Create && pr.ID == 0 {
		pr.ID = newProductID
	}
	var errs []string
	for lang, t := range pr.Title {
		if utf8.RuneCountInString(t) > maxProductTitle {
			errs = append(errs, fmt.Sprintf("title.%s: at most %d characters", lang, maxProductTitle))
		}
	}
	if utf8.RuneCountInString(pr.Sku) > maxProductSku {
		errs = append(errs, fmt.Sprintf("sku: at most %d characters", maxProductSku))
	}
	if len(pr.Title) == 0 {
		errs = append(errs, "title: a title in at least one locale is required")
	}
	if pr.Status != "" && !openentry.ValidMarker(pr.Status) {
		errs = append(errs, "status: not a product status identifier")
	}
	one := &openentry.Project{Products: []openentry.ProjectProduct{pr}}
	if err := one.Validate(nil); err != nil {
		errs = append(errs, productErrors(err, pr.ID)...)
	}
	if len(errs) > 0 {
		return openentry.Invalid(strings.Join(errs, "; "))
	}
	stock, err := c.projects.checkAttributeValues(ctx, one)
	if _, joined := err.(interface{ Unwrap() []error }); joined {
		return openentry.Invalid(strings.Join(productErrors(err, pr.ID), "; "))
	} else if err != nil {
		return err
	}
	if units, counted := stock[pr.ID]; counted {
		set, err := c.store.AttributeSet(ctx, pr.AttributeSetIdentifier)
		if err != nil {
			return err
		}
		switch {
		case hasValue(pr.AttributeValues, set.StockAttribute):
			w.Stock = &units
		case w.Create:
			w.Stock = new(int64)
		default:
			w.KeepStock = true
		}
	}
	return nil
}

// productErrors lists the lines of a project check's error about one
// product, without the "product N: " they start with; a price's errors
// name the price.
func productErrors(err error, id int64) []string {
	var out []string
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimPrefix(line, fmt.Sprintf("product %d: ", id))
		if strings.HasPrefix(line, "amount ") || strings.HasPrefix(line, "currency ") {
			line = "price: " + line
		}
		out = append(out, line)
	}
	return out
}

// hasValue reports whether any locale gives the attribute a value.
func hasValue(values openentry.AttributeValues, marker string) bool {
	for _, byMarker := range values {
		if _, ok := byMarker[marker]; ok {
			return true
		}
	}
	return false
}

// SetProductVisible hides or shows a product: hidden, it leaves every list
// and search of the Content API at once.
func (c *CatalogueAdmin) SetProductVisible(ctx context.Context, by openentry.Actor, id int64, visible bool) (*openentry.AdminProduct, error) {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return nil, err
	}
	action := "product.hide"
	if visible {
		action = "product.show"
	}
	return c.store.SetProductVisible(ctx, id, visible, openentry.Audit{Actor: by, Action: action})
}

// DeleteProduct deletes a product no order names; an ordered one is hidden instead.
func (c *CatalogueAdmin) DeleteProduct(ctx context.Context, by openentry.Actor, id int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	return c.store.DeleteProduct(ctx, id, openentry.Audit{Actor: by, Action: "product.delete"})
}

// ReorderProducts puts the products ids in that order, in the positions
// they hold between them.
func (c *CatalogueAdmin) ReorderProducts(ctx context.Context, by openentry.Actor, ids []int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if len(ids) == 0 || len(ids) > openentry.MaxReorder {
		return openentry.Invalid(fmt.Sprintf("ids: 1 to %d product ids", openentry.MaxReorder))
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		if id <= 0 || seen[id] {
			return openentry.Invalid(fmt.Sprintf("ids[%d]: %d is not a product id, or is repeated", i, id))
		}
		seen[id] = true
	}
	return c.store.ReorderProducts(ctx, ids, openentry.Audit{Actor: by, Action: "product.reorder"})
}

// ProductImage stores an image for one of a product's image or
// groupOfImages attributes and returns the value that names it, for the
// editor to put into the product's values. Its bytes are checked as a
// project file's images are.
func (c *CatalogueAdmin) ProductImage(ctx context.Context, by openentry.Actor, id int64, marker string, part openentry.UploadPart) (*openentry.FileRef, error) {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return nil, err
	}
	p, err := c.store.AdminProduct(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.AttributeSetIdentifier == "" {
		return nil, openentry.Invalid(fmt.Sprintf("marker: product %d has no attribute set", id))
	}
	set, err := c.store.AttributeSet(ctx, p.AttributeSetIdentifier)
	if err != nil {
		return nil, err
	}
	a := set.Attribute(marker)
	if a == nil {
		return nil, openentry.Invalid(fmt.Sprintf("marker: set %q has no attribute %q", set.Identifier, marker))
	}
	if a.Type != "image" && a.Type != "groupOfImages" {
		return nil, openentry.Invalid(fmt.Sprintf("marker: %q is a %s attribute, not an image one", marker, a.Type))
	}
	if len(part.Bytes) > openentry.MaxFileSize {
		return nil, &openentry.Error{Code: openentry.ErrTooLarge, Message: fmt.Sprintf("file: at most %d MiB", openentry.MaxFileSize>>20)}
	}
	stem, ext, _, err := uploadName(part)
	if err != nil {
		return nil, openentry.Invalid("file: " + err.Error())
	}
	ct, ok := contentType(part.Name, part.Bytes, true)
	if !ok {
		return nil, openentry.Invalid(fmt.Sprintf("file: is %s, not an image (png, jpeg, gif, webp, or svg named .svg)", sniffed(part.Bytes)))
	}
	sum := sha256.Sum256(part.Bytes)
	f := &openentry.File{Digest: sum[:], ContentType: ct, Size: int64(len(part.Bytes)), Bytes: part.Bytes, Name: stem + ext}
	if err := c.store.PutProductFile(ctx, id, f, openentry.Audit{Actor: by, Action: "product.image"}); err != nil {
		return nil, err
	}
	return &openentry.FileRef{FileID: f.ID, Filename: stem + ext, ContentType: f.ContentType, Size: f.Size}, nil
}

// ProductStatuses lists the product statuses.
func (c *CatalogueAdmin) ProductStatuses(ctx context.Context, by openentry.Actor) ([]openentry.ProductStatus, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return c.store.ProductStatuses(ctx)
}

// SaveProductStatus creates a product status or, at version, changes one;
// it is checked as a project file's.
func (c *CatalogueAdmin) SaveProductStatus(ctx context.Context, by openentry.Actor, w openentry.ProductStatusWrite) (*openentry.ProductStatus, error) {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return nil, err
	}
	if !w.Create && w.Version <= 0 {
		return nil, openentry.Invalid("version: the version the status was read at is required")
	}
	if len(w.Status.Title) == 0 {
		return nil, openentry.Invalid("title: a title in at least one locale is required")
	}
	for lang, t := range w.Status.Title {
		if utf8.RuneCountInString(t) > maxProductTitle {
			return nil, openentry.Invalid(fmt.Sprintf("title.%s: at most %d characters", lang, maxProductTitle))
		}
	}
	one := &openentry.Project{ProductStatuses: []openentry.ProjectProductStatus{w.Status}}
	if err := one.Validate(nil); err != nil {
		return nil, openentry.Invalid(fmt.Sprintf("identifier: %q must be 1 to 64 letters, digits, _ or -", w.Status.Identifier))
	}
	action := "product_status.update"
	if w.Create {
		action = "product_status.create"
	}
	return c.store.SaveProductStatus(ctx, w, openentry.Audit{Actor: by, Action: action})
}

// DeleteProductStatus deletes a status no product is in.
func (c *CatalogueAdmin) DeleteProductStatus(ctx context.Context, by openentry.Actor, identifier string) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	return c.store.DeleteProductStatus(ctx, identifier, openentry.Audit{Actor: by, Action: "product_status.delete"})
}
