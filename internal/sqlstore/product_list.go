package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/openentry/openentry"
)

// The product search index (migration 0008): product_search holds a row
// per visible product and indexed locale with what lists sort by,
// product_values a row per value key and page the product is listed on
// (page 0: any page), product_words the suffixes of the title's words.
// FindProducts drives each query from its most selective condition, read
// as one index range, and tests the others row by row; see the README's
// performance section for the plans.

// Thresholds of FindProducts, in driver rows. A query whose best driver
// has fewer than windowRows rows is one statement that lists and counts
// (COUNT(*) OVER ()); above driverRows the driver costs more than walking
// the products in sort order.
const (
	windowRows = 3000
	driverRows = 20000
)

// ProductSchema returns the index locale for lang, the product markers
// and the product statuses, in one round trip.
func (d *DB) ProductSchema(ctx context.Context, lang string) (*openentry.ProductSchema, error) {
	s := &openentry.ProductSchema{Markers: map[string]openentry.MarkerInfo{}, Statuses: map[string]bool{}}
	rows, err := d.QueryContext(ctx, `SELECT 'l', COALESCE(
			(SELECT locale FROM product_search WHERE locale = ? LIMIT 1),
			(SELECT locale FROM product_search WHERE locale = ? LIMIT 1),
			(SELECT MIN(locale) FROM product_search), ?), '', ?
		UNION ALL SELECT 'm', marker, kinds, stock FROM product_markers
		UNION ALL SELECT 's', identifier, '', ? FROM product_statuses`,
		lang, openentry.DefaultLocale, openentry.DefaultLocale, false, false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var what, name, kinds string
		var stock bool
		if err := rows.Scan(&what, &name, &kinds, &stock); err != nil {
			return nil, err
		}
		switch what {
		case "l":
			s.Locale = name
		case "m":
			s.Markers[name] = openentry.MarkerInfo{Kinds: []byte(kinds), Stock: stock}
		case "s":
			s.Statuses[name] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, own := range []struct {
		marker string
		kind   byte
	}{{"price", openentry.KindNumber}, {"currency", openentry.KindText}, {"sku", openentry.KindText}} {
		s.Markers[own.marker] = openentry.MarkerInfo{Kinds: []byte{own.kind}}
	}
	return s, nil
}

// writeMarkers rewrites product_markers from the product sets: each
// attribute marker with the key kinds its types give (price, currency and
// sku are every product's own; ProductSchema adds them).
func writeMarkers(ctx context.Context, tx *tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT attributes, stock_attribute FROM attribute_sets WHERE type = ?`, "forProducts")
	if err != nil {
		return err
	}
	markers := map[string]*openentry.MarkerInfo{}
	for rows.Next() {
		var raw, stock string
		if err := rows.Scan(&raw, &stock); err != nil {
			rows.Close()
			return err
		}
		var attrs []openentry.Attribute
		if err := fromJSON(raw, &attrs); err != nil {
			rows.Close()
			return err
		}
		for _, a := range attrs {
			switch a.Marker {
			case "price", "currency", "sku":
				continue
			}
			m := markers[a.Marker]
			if m == nil {
				m = &openentry.MarkerInfo{}
				markers[a.Marker] = m
			}
			if k := openentry.AttributeKinds(a.Type)[0]; !slices.Contains(m.Kinds, k) {
				m.Kinds = append(m.Kinds, k)
			}
			m.Stock = m.Stock || a.Marker == stock
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM product_markers`); err != nil {
		return err
	}
	for marker, m := range markers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO product_markers (marker, kinds, stock) VALUES (?, ?, ?)`, marker, string(m.Kinds), m.Stock); err != nil {
			return err
		}
	}
	return nil
}

// query is SQL being built with its arguments.
type query struct {
	strings.Builder
	args []any
}

func (q *query) add(sql string, args ...any) *query {
	q.WriteString(sql)
	q.args = append(q.args, args...)
	return q
}

// in adds "(?, ?, …)" for the values.
func in[T any](q *query, values []T) {
	q.WriteString("(")
	for i, v := range values {
		if i > 0 {
			q.WriteString(", ")
		}
		q.add("?", v)
	}
	q.WriteString(")")
}

// keyTest adds the test of a KeyTest on column, or TRUE for Any.
func keyTest(q *query, column string, t openentry.KeyTest) {
	if t.Any {
		q.WriteString("1 = 1")
		return
	}
	var parts int
	or := func() {
		if parts > 0 {
			q.WriteString(" OR ")
		}
		parts++
	}
	q.WriteString("(")
	if len(t.Keys) > 0 {
		or()
		q.WriteString(column + " IN ")
		in(q, t.Keys)
	}
	for _, r := range t.Ranges {
		or()
		q.add("("+column+" > ? AND "+column+" < ?)", r.Above, r.Below)
	}
	for _, l := range t.Likes {
		or()
		q.add(column+` LIKE ? ESCAPE '\'`, l)
	}
	if parts == 0 {
		q.WriteString("1 = 0") // an empty IN list: nothing passes
	}
	q.WriteString(")")
}

// foldedOnly reports whether a test reads folded keys, which only page 0 rows have.
func foldedOnly(t openentry.KeyTest) bool {
	if len(t.Likes) > 0 {
		return true
	}
	for _, k := range t.Keys {
		if k != "" && k[0] == openentry.KindFolded {
			return true
		}
	}
	for _, r := range t.Ranges {
		if r.Above != "" && r.Above[0] == openentry.KindFolded {
			return true
		}
	}
	return false
}

// skuPresence reports a test for having a sku at all (the template sends
// sku nin null with every list), which the product_search row answers.
func skuPresence(c openentry.ValueCond) bool { return c.Marker == "sku" && c.Test.Any && !c.Stock }

// driver is a condition read as an index range of product ids.
type driver struct {
	sql   string
	args  []any
	value int  // the index in q.Values it answers, or -1
	page  int  // the index in q.Pages it answers (or embeds), or -1
	rank  int  // which to count first: ids -1, equality 0, page 1, title 2, ranges 3
	ids   bool // it answers q.IDs
}

// drivers lists the conditions a query can be driven from: each positive
// value test (on the first page set, when its keys have page rows), each
// page set, and the title.
func drivers(q openentry.ProductSearch) []driver {
	var out []driver
	if len(q.IDs) > 0 {
		var b query
		b.WriteString(`SELECT pr.id FROM products pr WHERE pr.id IN `)
		in(&b, q.IDs)
		out = append(out, driver{sql: b.String(), args: b.args, value: -1, page: -1, rank: -1, ids: true})
	}
	for i, c := range q.Values {
		if c.Not || c.Stock || skuPresence(c) {
			continue
		}
		var b query
		b.add(`SELECT v.product_id FROM product_values v WHERE v.locale = ? AND v.marker = ? AND v.page_id `, q.Locale, c.Marker)
		page := -1
		if len(q.Pages) > 0 && !foldedOnly(c.Test) {
			page = 0
			b.WriteString("IN ")
			in(&b, q.Pages[0])
		} else {
			b.add("= ?", 0)
		}
		if !c.Test.Any {
			b.WriteString(" AND ")
			keyTest(&b, "v.value_key", c.Test)
		}
		rank := 3
		if len(c.Test.Keys) > 0 && len(c.Test.Ranges)+len(c.Test.Likes) == 0 {
			rank = 0
		}
		out = append(out, driver{sql: b.String(), args: b.args, value: i, page: page, rank: rank})
	}
	for i, p := range q.Pages {
		var b query
		b.WriteString(`SELECT pp.product_id FROM product_pages pp WHERE pp.page_id IN `)
		in(&b, p)
		out = append(out, driver{sql: b.String(), args: b.args, value: -1, page: i, rank: 1})
	}
	for _, t := range q.Titles {
		if w, ok := openentry.SearchWord(t); ok {
			out = append(out, driver{
				sql:   `SELECT w.product_id FROM product_words w WHERE w.locale = ? AND w.suffix >= ? AND w.suffix < ?`,
				args:  []any{q.Locale, w, openentry.PrefixEnd(w)},
				value: -1, page: -1, rank: 2, // a superset: where() checks the title itself
			})
			break
		}
	}
	return out
}

// goodDriver is a driver small enough not to look for a smaller one.
const goodDriver = 500

// pickDriver returns the driver with the fewest rows and how many it has,
// counting each up to limit (so ≥ limit means "at least that many"). It
// counts the likeliest small ones first, equality tests, and stops at one
// below goodDriver: each count is an index range scan.
func (d *DB) pickDriver(ctx context.Context, all []driver, limit int) (*driver, int, error) {
	slices.SortStableFunc(all, func(a, b driver) int { return a.rank - b.rank })
	var best *driver
	bestRows := 0
	for i := range all {
		var n int
		err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+all[i].sql+` LIMIT ?) e`, append(slices.Clone(all[i].args), limit)...).Scan(&n)
		if err != nil {
			return nil, 0, err
		}
		if best == nil || n < bestRows {
			best, bestRows = &all[i], n
		}
		if n < goodDriver {
			break
		}
	}
	return best, bestRows, nil
}

// where adds the WHERE clause of q over product_search s, drawing the ids
// from dr when it is not nil. Tests of the row's sku and price may be
// index ranges only with rangeRow: then the planner may read
// product_search_by_sku (or _by_price) for them. A list walks a sort
// index and a driver's ids are looked up by key, so both hide those
// columns from the planner (the column joined to an empty string, which
// both dialects read as an expression): it would otherwise read a whole
// range of that index and sort it, or prefer the range to the driver's
// few rows.
func where(b *query, q openentry.ProductSearch, dr *driver, rangeRow bool) {
	hide := func(column string) string {
		if rangeRow {
			return column
		}
		return "(" + column + " || '')"
	}
	b.add(` WHERE s.locale = ?`, q.Locale)
	if dr != nil {
		b.add(` AND s.product_id IN (`+dr.sql+`)`, dr.args...)
	}
	if q.IDs != nil && (dr == nil || !dr.ids) {
		b.WriteString(` AND s.product_id IN `)
		in(b, q.IDs)
	}
	for _, st := range q.Statuses {
		b.add(` AND s.status = ?`, st)
	}
	for _, t := range q.Titles {
		b.add(` AND s.title LIKE ? ESCAPE '\'`, openentry.LikeContains("", t))
	}
	if q.Unlisted {
		b.WriteString(` AND NOT EXISTS (SELECT 1 FROM product_pages pp WHERE pp.product_id = s.product_id)`)
	}
	for i, p := range q.Pages {
		if dr != nil && dr.page == i {
			continue
		}
		b.WriteString(` AND EXISTS (SELECT 1 FROM product_pages pp WHERE pp.product_id = s.product_id AND pp.page_id IN `)
		in(b, p)
		b.WriteString(`)`)
	}
	for i, c := range q.Values {
		if dr != nil && dr.value == i {
			continue
		}
		if c.Marker == "price" && !c.Stock { // the row has it: every product has a price
			b.WriteString(" AND ")
			if c.Not {
				b.WriteString("NOT ")
			}
			column := hide("s.price")
			if dr == nil && q.Sort == openentry.SortPrice {
				column = "s.price" // walking product_search_by_price: its range is the walk
			}
			keyTest(b, column, c.Test)
			continue
		}
		if skuPresence(c) { // on the row: every product has the column
			op := ">" // not '': a range of product_search_by_sku
			if c.Not {
				op = "="
			}
			b.add(` AND `+hide("s.sku")+` `+op+` ?`, "")
			continue
		}
		b.WriteString(" AND ")
		if c.Not {
			b.WriteString("NOT ")
		}
		if c.Stock {
			b.WriteString(`EXISTS (SELECT 1 FROM products p WHERE p.id = s.product_id AND p.stock `)
			switch {
			case c.StockOp == "":
				b.WriteString("IS NOT NULL")
			case c.StockOp == "=" && len(c.StockArgs) == 0:
				b.WriteString("IS NULL AND 1 = 0")
			case c.StockOp == "=":
				b.WriteString("IN ")
				in(b, c.StockArgs)
			default:
				b.add(c.StockOp+" ?", c.StockArgs[0])
			}
			b.WriteString(")")
			continue
		}
		b.add(`EXISTS (SELECT 1 FROM product_values v WHERE v.product_id = s.product_id AND v.locale = ? AND v.marker = ? AND v.page_id = ?`,
			q.Locale, c.Marker, 0)
		if !c.Test.Any {
			b.WriteString(" AND ")
			keyTest(b, "v.value_key", c.Test)
		}
		b.WriteString(")")
	}
}

// orderBy adds the ORDER BY of q; the id breaks ties, in the same direction.
func orderBy(b *query, q openentry.ProductSearch) error {
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	b.WriteString(" ORDER BY ")
	switch q.Sort {
	case openentry.SortID:
	case openentry.SortPosition, "":
		b.WriteString("s.position" + dir + ", ")
	case openentry.SortTitle:
		b.WriteString("s.title" + dir + ", ")
	case openentry.SortDate:
		b.WriteString("s.created_ms" + dir + ", ")
	case openentry.SortPrice:
		b.WriteString("s.price" + dir + ", ")
	case openentry.SortMarker:
		// A product's smallest (largest, descending) sortable key; those
		// without a value come last either way.
		agg := "MIN"
		if q.Desc {
			agg = "MAX"
		}
		b.add(`(SELECT `+agg+`(v.value_key) FROM product_values v WHERE v.product_id = s.product_id AND v.locale = ? AND v.marker = ?
			AND v.page_id = ? AND v.value_key < ?)`+dir+` NULLS LAST, `, q.Locale, q.Marker, 0, openentry.KindEnd(openentry.KindText))
	default:
		return fmt.Errorf("product sort key %q: %w", q.Sort, openentry.ErrInvalid)
	}
	b.WriteString("s.product_id" + dir)
	return nil
}

// FindProducts returns the ids of a page of the products q selects, in
// order, and their total.
func (d *DB) FindProducts(ctx context.Context, q openentry.ProductSearch) ([]int64, int64, error) {
	if q.IDs != nil && len(q.IDs) == 0 {
		return []int64{}, 0, nil
	}
	dr, rows, err := d.pickDriver(ctx, drivers(q), driverRows)
	if err != nil {
		return nil, 0, err
	}
	if dr != nil && rows == 0 {
		return []int64{}, 0, nil
	}
	if dr != nil && rows >= driverRows {
		dr = nil // walking the products costs less than reading the driver
	}
	if q.Limit <= 0 {
		total, err := d.countProducts(ctx, q, dr)
		return []int64{}, total, err
	}
	if dr != nil && rows < windowRows {
		// Few candidates: one statement sorts them and counts them all.
		var b query
		b.WriteString(`SELECT s.product_id, COUNT(*) OVER () FROM product_search s`)
		where(&b, q, dr, false)
		if err := orderBy(&b, q); err != nil {
			return nil, 0, err
		}
		b.add(` LIMIT ? OFFSET ?`, q.Limit, q.Offset)
		ids, total, err := d.productIDs(ctx, &b, true)
		if err != nil || len(ids) > 0 || q.Offset == 0 {
			return ids, total, err
		}
		total, err = d.countProducts(ctx, q, dr) // past the end: the window saw no row
		return ids, total, err
	}
	// Many candidates: walk the products in sort order, testing each, until
	// the page is full; count apart.
	var b query
	b.WriteString(`SELECT s.product_id FROM product_search s`)
	where(&b, q, nil, false)
	if err := orderBy(&b, q); err != nil {
		return nil, 0, err
	}
	b.add(` LIMIT ? OFFSET ?`, q.Limit, q.Offset)
	ids, _, err := d.productIDs(ctx, &b, false)
	if err != nil {
		return nil, 0, err
	}
	total, err := d.countProducts(ctx, q, dr)
	return ids, total, err
}

func (d *DB) countProducts(ctx context.Context, q openentry.ProductSearch, dr *driver) (int64, error) {
	var b query
	b.WriteString(`SELECT COUNT(*) FROM product_search s`)
	where(&b, q, dr, dr == nil)
	var n int64
	return n, d.QueryRowContext(ctx, b.String(), b.args...).Scan(&n)
}

func (d *DB) productIDs(ctx context.Context, b *query, withTotal bool) ([]int64, int64, error) {
	rows, err := d.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	ids := []int64{}
	var total int64
	for rows.Next() {
		var id int64
		dest := []any{&id}
		if withTotal {
			dest = append(dest, &total)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	return ids, total, rows.Err()
}

// ListProducts returns the visible products among ids, in the order of ids.
func (d *DB) ListProducts(ctx context.Context, ids []int64) ([]openentry.Product, error) {
	out := make([]openentry.Product, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var b query
	b.add(`p.is_visible = ? AND p.id IN `, true)
	in(&b, ids)
	loaded, err := loadProducts(ctx, d, &d.setAttrs, "", nil, b.String(), b.args...)
	if err != nil {
		return nil, err
	}
	if err := productPages(ctx, d, loaded); err != nil {
		return nil, err
	}
	byID := make(map[int64]*openentry.Product, len(loaded))
	for _, p := range loaded {
		byID[p.ID] = p
	}
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, *p)
		}
	}
	return out, nil
}

// SearchTitles returns up to limit visible products whose folded title in
// locale contains folded, read from the word suffix index in its order
// (titles with the word itself first), with their titles in lang.
func (d *DB) SearchTitles(ctx context.Context, locale, lang, folded string, limit int) ([]openentry.ProductHit, error) {
	word, ok := openentry.SearchWord(folded)
	if !ok {
		return []openentry.ProductHit{}, nil
	}
	// A title with several words starting alike comes once per word:
	// read a few more rows than asked and keep each product once.
	rows, err := d.QueryContext(ctx, `SELECT w.product_id, p.localize_infos FROM product_words w CROSS JOIN product_search s
			JOIN products p ON p.id = w.product_id
		WHERE w.locale = ? AND w.suffix >= ? AND w.suffix < ?
			AND s.product_id = w.product_id AND s.locale = w.locale AND s.title LIKE ? ESCAPE '\'
		ORDER BY w.suffix, w.product_id LIMIT ?`,
		locale, word, openentry.PrefixEnd(word), openentry.LikeContains("", folded), limit*4)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.ProductHit{}
	seen := map[int64]bool{}
	for rows.Next() && len(out) < limit {
		var id int64
		var raw string
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, err
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		var infos openentry.Localized
		if err := fromJSON(raw, &infos); err != nil {
			return nil, err
		}
		out = append(out, openentry.ProductHit{ID: id, Title: openentry.ProductTitle(infos, lang)})
	}
	return out, rows.Err()
}

// indexBatch is how many products one pass of reindexProducts loads and
// rewrites, and insertRows how many rows one INSERT carries.
const (
	indexBatch = 500
	insertRows = 200
)

// indexProjectProducts rewrites the index of the products a project file
// wrote and of the products of the attribute sets it wrote. When the file
// brings a locale the index lacks, every product is rewritten, so that
// each has entries in every locale.
func indexProjectProducts(ctx context.Context, tx *tx, p *openentry.Project) error {
	if len(p.AttributeSets) > 0 {
		if err := writeMarkers(ctx, tx); err != nil {
			return err
		}
	}
	if len(p.Products) == 0 && len(p.AttributeSets) == 0 {
		return nil
	}
	locales, err := indexLocales(ctx, tx)
	if err != nil {
		return err
	}
	fresh := false
	for _, pr := range p.Products {
		for lang := range pr.Title {
			fresh = addLocale(&locales, lang) || fresh
		}
		for lang := range pr.AttributeValues {
			fresh = addLocale(&locales, lang) || fresh
		}
	}
	var ids []int64
	if fresh {
		ids, err = queryIDs(ctx, tx, `SELECT id FROM products ORDER BY id`)
	} else {
		seen := map[int64]bool{}
		for _, pr := range p.Products {
			if !seen[pr.ID] {
				seen[pr.ID] = true
				ids = append(ids, pr.ID)
			}
		}
		for _, s := range p.AttributeSets {
			more, err := queryIDs(ctx, tx, `SELECT id FROM products WHERE attribute_set = ? ORDER BY id`, s.Identifier)
			if err != nil {
				return err
			}
			for _, id := range more {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE products SET created_ms = ? WHERE created_ms IS NULL`, tx.nowMS); err != nil {
		return err
	}
	return reindexProducts(ctx, tx, ids, locales)
}

func addLocale(locales *[]string, lang string) bool {
	if slices.Contains(*locales, lang) {
		return false
	}
	*locales = append(*locales, lang)
	slices.Sort(*locales)
	return true
}

// indexLocales lists the locales the index has, and the default locale,
// one index seek each.
func indexLocales(ctx context.Context, q queryer) ([]string, error) {
	locales := []string{openentry.DefaultLocale}
	last := ""
	for {
		var next sql.NullString
		if err := q.QueryRowContext(ctx, `SELECT MIN(locale) FROM product_search WHERE locale > ?`, last).Scan(&next); err != nil {
			return nil, err
		}
		if !next.Valid {
			break
		}
		addLocale(&locales, next.String)
		last = next.String
	}
	return locales, nil
}

func queryIDs(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	return queryColumn[int64](ctx, q, query, args...)
}

// listProductFrom is productFrom with the set's attributes left out
// (productColumns reads them as '[]') and its version added: a page of
// products decodes each set once, and only when it changed (setAttributes).
const listProductFrom = ` FROM products p LEFT JOIN product_statuses ps ON ps.identifier = p.status_identifier
	LEFT JOIN (SELECT identifier, stock_attribute, '[]' AS attributes, version, updated_ms FROM attribute_sets) s
		ON s.identifier = p.attribute_set`

// loadProducts reads the products that where (over products p) selects.
// Each row may have more columns after productColumns: extraColumns, read
// into the destinations newExtra returns for it.
func loadProducts(ctx context.Context, q queryer, cache *attributeCache, extraColumns string, newExtra func(i int) []any, where string, args ...any) ([]*openentry.Product, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+productColumns+`, COALESCE(s.version, 0), COALESCE(s.updated_ms, 0)`+extraColumns+
		listProductFrom+` WHERE `+where, append([]any{false}, args...)...)
	if err != nil {
		return nil, err
	}
	var out []*openentry.Product
	versions := map[string]setVersion{}
	for rows.Next() {
		var v setVersion
		extra := []any{&v.version, &v.updatedMS}
		if newExtra != nil {
			extra = append(extra, newExtra(len(out))...)
		}
		p, err := scanProduct(withExtra{rows, extra})
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
		if p.AttributeSetIdentifier != "" {
			v.identifier = p.AttributeSetIdentifier
			versions[v.identifier] = v
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	attrs, err := cache.attributes(ctx, q, versions)
	if err != nil {
		return nil, err
	}
	for _, p := range out {
		p.SetAttributes = attrs[p.AttributeSetIdentifier]
	}
	return out, nil
}

// setVersion names one state of an attribute set: ApplyProject bumps
// version and updated_ms with every change of its attributes.
type setVersion struct {
	identifier         string
	version, updatedMS int64
}

// attributeCache keeps decoded set attributes by set version: a page of
// products needs its sets' attributes, which change only with an apply.
// Products of a set share them (no reader changes them). Past
// maxCachedSets entries it starts over.
type attributeCache struct {
	mu sync.Mutex
	m  map[setVersion][]openentry.Attribute
}

const maxCachedSets = 64

// attributes returns the attributes of the sets at those versions,
// reading and decoding only the ones it does not hold.
func (c *attributeCache) attributes(ctx context.Context, q queryer, sets map[string]setVersion) (map[string][]openentry.Attribute, error) {
	out := make(map[string][]openentry.Attribute, len(sets))
	var missing []string
	c.mu.Lock()
	for name, v := range sets {
		if attrs, ok := c.m[v]; ok {
			out[name] = attrs
		} else {
			missing = append(missing, name)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	slices.Sort(missing)
	var b query
	b.WriteString(`SELECT identifier, version, updated_ms, attributes FROM attribute_sets WHERE identifier IN `)
	in(&b, missing)
	rows, err := q.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v setVersion
		var raw string
		if err := rows.Scan(&v.identifier, &v.version, &v.updatedMS, &raw); err != nil {
			return nil, err
		}
		var attrs []openentry.Attribute
		if err := fromJSON(raw, &attrs); err != nil {
			return nil, err
		}
		out[v.identifier] = attrs
		if v == sets[v.identifier] { // not changed since the products were read
			c.mu.Lock()
			if c.m == nil || len(c.m) >= maxCachedSets {
				c.m = map[setVersion][]openentry.Attribute{}
			}
			c.m[v] = attrs
			c.mu.Unlock()
		}
	}
	return out, rows.Err()
}

// withExtra scans a row into dest and then extra, so that a column can
// follow another reader's columns.
type withExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// reindexProducts rewrites the index rows of the products ids, in batches:
// hidden products lose theirs, visible ones get an entry per locale.
func reindexProducts(ctx context.Context, tx *tx, ids []int64, locales []string) error {
	for len(ids) > 0 {
		n := min(len(ids), indexBatch)
		if err := reindexBatch(ctx, tx, ids[:n], locales); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// indexedProduct is a product as the index reads it.
type indexedProduct struct {
	openentry.Product
	CreatedMS int64
	Pages     []int64
}

func reindexBatch(ctx context.Context, tx *tx, ids []int64, locales []string) error {
	var created []*int64
	var b query
	b.WriteString(`p.id IN `)
	in(&b, ids)
	loaded, err := loadProducts(ctx, tx, &tx.db.setAttrs, `, COALESCE(p.created_ms, ?)`, func(int) []any {
		created = append(created, new(int64))
		return []any{created[len(created)-1]}
	}, b.String(), append([]any{tx.nowMS}, b.args...)...)
	if err != nil {
		return err
	}
	products := make([]*indexedProduct, 0, len(loaded))
	byID := map[int64]*indexedProduct{}
	for i, p := range loaded {
		ip := &indexedProduct{Product: *p, CreatedMS: *created[i]}
		products = append(products, ip)
		byID[p.ID] = ip
	}
	var pb query
	pb.WriteString(`SELECT product_id, page_id FROM product_pages WHERE product_id IN `)
	in(&pb, ids)
	pb.WriteString(` ORDER BY product_id, page_id`)
	prow, err := tx.Tx.QueryContext(ctx, tx.dialect.rebind(pb.String()), pb.args...)
	if err != nil {
		return err
	}
	for prow.Next() {
		var id, page int64
		if err := prow.Scan(&id, &page); err != nil {
			prow.Close()
			return err
		}
		if ip := byID[id]; ip != nil {
			ip.Pages = append(ip.Pages, page)
		}
	}
	prow.Close()
	if err := prow.Err(); err != nil {
		return err
	}
	for _, table := range []string{"product_search", "product_values", "product_words"} {
		var del query
		del.WriteString(`DELETE FROM ` + table + ` WHERE product_id IN `)
		in(&del, ids)
		if _, err := tx.Tx.ExecContext(ctx, tx.dialect.rebind(del.String()), del.args...); err != nil {
			return err
		}
	}
	return writeIndex(ctx, tx, products, locales)
}

// rowWriter inserts rows into one table, many per INSERT.
type rowWriter struct {
	ctx    context.Context
	tx     *tx
	head   string // INSERT INTO t (a, b) VALUES
	tail   string // after the rows: ON CONFLICT …
	width  int
	values []any
}

func (w *rowWriter) add(values ...any) error {
	w.values = append(w.values, values...)
	if len(w.values) >= insertRows*w.width {
		return w.flush()
	}
	return nil
}

func (w *rowWriter) flush() error {
	if len(w.values) == 0 {
		return nil
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", w.width), ", ") + ")"
	n := len(w.values) / w.width
	query := w.head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + w.tail
	// Not through the statement cache: row counts vary, and the cache is
	// for the queries that repeat.
	_, err := w.tx.Tx.ExecContext(w.ctx, w.tx.dialect.rebind(query), w.values...)
	w.values = w.values[:0]
	return err
}

// writeIndex inserts the index rows of visible products.
func writeIndex(ctx context.Context, tx *tx, products []*indexedProduct, locales []string) error {
	search := &rowWriter{ctx: ctx, tx: tx, width: 8,
		head: `INSERT INTO product_search (locale, product_id, status, sku, price, position, created_ms, title) VALUES `}
	values := &rowWriter{ctx: ctx, tx: tx, width: 5,
		head: `INSERT INTO product_values (product_id, locale, marker, page_id, value_key) VALUES `}
	words := &rowWriter{ctx: ctx, tx: tx, width: 3, head: `INSERT INTO product_words (product_id, locale, suffix) VALUES `}
	for _, p := range products {
		if !p.IsVisible {
			continue
		}
		pages := append([]int64{0}, p.Pages...)
		for _, e := range openentry.SearchEntries(&p.Product, locales) {
			if err := search.add(e.Locale, p.ID, p.StatusIdentifier, e.Sku, e.Price, p.Position, p.CreatedMS, e.Title); err != nil {
				return err
			}
			seen := map[openentry.MarkerKey]bool{}
			for _, v := range e.Values {
				if seen[v] {
					continue
				}
				seen[v] = true
				on := pages
				if v.Key[0] == openentry.KindFolded {
					on = pages[:1] // pat and same read page 0 only
				}
				for _, page := range on {
					if err := values.add(p.ID, e.Locale, v.Marker, page, v.Key); err != nil {
						return err
					}
				}
			}
			for _, s := range openentry.TitleSuffixes(e.Title) {
				if err := words.add(p.ID, e.Locale, s); err != nil {
					return err
				}
			}
		}
	}
	for _, w := range []*rowWriter{search, values, words} {
		if err := w.flush(); err != nil {
			return err
		}
	}
	return nil
}

// indexIfMissing builds the search index of a catalogue that has visible
// products but no index rows: one filled before migration 0008 made the
// index, which applies then only rewrote for the products they wrote. It
// runs under the migration lock, once: afterwards the index has rows.
func (d *DB) indexIfMissing(ctx context.Context) error {
	var missing bool
	if err := d.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM products WHERE is_visible = ?)
		AND NOT EXISTS (SELECT 1 FROM product_search)`, true).Scan(&missing); err != nil || !missing {
		return err
	}
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	locales := []string{openentry.DefaultLocale}
	rows, err := tx.QueryContext(ctx, `SELECT localize_infos, attribute_values FROM products`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var infos, values string
		if err := rows.Scan(&infos, &values); err != nil {
			rows.Close()
			return err
		}
		for _, raw := range []string{infos, values} {
			var byLang map[string]json.RawMessage
			if err := json.Unmarshal([]byte(raw), &byLang); err != nil {
				rows.Close()
				return err
			}
			for lang := range byLang {
				addLocale(&locales, lang)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := writeMarkers(ctx, tx); err != nil {
		return err
	}
	ids, err := queryIDs(ctx, tx, `SELECT id FROM products ORDER BY id`)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE products SET created_ms = ? WHERE created_ms IS NULL`, tx.nowMS); err != nil {
		return err
	}
	if err := reindexProducts(ctx, tx, ids, locales); err != nil {
		return err
	}
	if err := bumpCatalogRevision(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
