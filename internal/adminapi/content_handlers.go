package adminapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

// Pages, blocks and menus: the project file's shapes (ProjectPage,
// ProjectBlock, ProjectMenu) in, the stored objects with their versions out.

type pageJSON struct {
	ID                     int64                      `json:"id"`
	PageURL                string                     `json:"pageUrl"`
	ParentID               *int64                     `json:"parentId"`
	ParentURL              string                     `json:"parentUrl"`
	Depth                  int64                      `json:"depth"`
	Position               int64                      `json:"position"`
	Type                   string                     `json:"type"`
	IsVisible              bool                       `json:"isVisible"`
	LocalizeInfos          map[string]json.RawMessage `json:"localizeInfos"`
	AttributeSetIdentifier string                     `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues  `json:"attributeValues"`
	TemplateIdentifier     string                     `json:"templateIdentifier"`
	Config                 map[string]int64           `json:"config"`
	Blocks                 []string                   `json:"blocks"`
	ChildrenCount          int64                      `json:"childrenCount"`
	Products               int64                      `json:"products"`
	Version                int64                      `json:"version"`
	UpdatedAt              openentry.Time             `json:"updatedAt"`
}

func toPageJSON(p openentry.ContentPage) pageJSON {
	out := pageJSON{ID: p.ID, PageURL: p.PageURL, ParentURL: p.ParentURL, Depth: p.Depth, Position: p.Position, Type: p.Type,
		IsVisible: p.IsVisible, LocalizeInfos: p.LocalizeInfos, AttributeSetIdentifier: p.AttributeSetIdentifier,
		AttributeValues: p.AttributeValues, TemplateIdentifier: p.TemplateIdentifier, Config: p.Config, Blocks: p.Blocks,
		ChildrenCount: p.ChildrenCount, Products: p.Products, Version: p.Version, UpdatedAt: openentry.Time(p.UpdatedAt)}
	if p.ParentID != 0 {
		out.ParentID = &p.ParentID
	}
	if out.LocalizeInfos == nil {
		out.LocalizeInfos = map[string]json.RawMessage{}
	}
	if out.AttributeValues == nil {
		out.AttributeValues = openentry.AttributeValues{}
	}
	if out.Config == nil {
		out.Config = map[string]int64{}
	}
	if out.Blocks == nil {
		out.Blocks = []string{}
	}
	return out
}

// listOf shapes items, of total in all, with toJSON.
// handleGetByMarker serves one object read by its {marker}.
func handleGetByMarker[T, J any](logger *slog.Logger, read func(context.Context, openentry.Actor, string) (*T, error), toJSON func(T) J) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (J, error) {
		v, err := read(r.Context(), a, r.PathValue("marker"))
		if err != nil {
			var zero J
			return zero, err
		}
		return toJSON(*v), nil
	})
}

// handleListAll serves a whole list, its total its length.
func handleListAll[T, J any](logger *slog.Logger, read func(context.Context, openentry.Actor) ([]T, error), toJSON func(T) J) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[J], error) {
		items, err := read(r.Context(), a)
		if err != nil {
			return list[J]{}, err
		}
		return listOf(items, int64(len(items)), toJSON), nil
	})
}

// handleListPaged serves a page of a list (offset, limit) and its total.
func handleListPaged[T, J any](logger *slog.Logger, read func(context.Context, openentry.Actor, openentry.Page) ([]T, int64, error), toJSON func(T) J) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[J], error) {
		page, err := pageOf(r)
		if err != nil {
			return list[J]{}, err
		}
		items, total, err := read(r.Context(), a, page)
		if err != nil {
			return list[J]{}, err
		}
		return listOf(items, total, toJSON), nil
	})
}

func listOf[T, J any](items []T, total int64, toJSON func(T) J) list[J] {
	out := list[J]{Items: make([]J, len(items)), Total: total}
	for i, it := range items {
		out.Items[i] = toJSON(it)
	}
	return out
}

func toPagesJSON(pages []openentry.ContentPage) list[pageJSON] {
	return listOf(pages, int64(len(pages)), toPageJSON)
}

// pageBody is a page to write; isVisible defaults to true.
type pageBody struct {
	PageURL                string                     `json:"pageUrl"`
	ParentURL              string                     `json:"parentUrl"`
	Position               int64                      `json:"position"`
	Type                   string                     `json:"type"`
	IsVisible              *bool                      `json:"isVisible"`
	LocalizeInfos          map[string]json.RawMessage `json:"localizeInfos"`
	AttributeSetIdentifier string                     `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues  `json:"attributeValues"`
	TemplateIdentifier     string                     `json:"templateIdentifier"`
	Config                 map[string]int64           `json:"config"`
	Blocks                 []string                   `json:"blocks"`
}

func (b pageBody) edit(version int64) openentry.PageEdit {
	return openentry.PageEdit{Version: version, Position: b.Position, Page: openentry.ProjectPage{
		PageURL: b.PageURL, ParentURL: b.ParentURL, Type: b.Type, LocalizeInfos: b.LocalizeInfos,
		Hidden: b.IsVisible != nil && !*b.IsVisible, TemplateIdentifier: b.TemplateIdentifier,
		AttributeSetIdentifier: b.AttributeSetIdentifier, AttributeValues: b.AttributeValues, Config: b.Config, Blocks: b.Blocks}}
}

// versionOf reads the version query value of a DELETE.
func versionOf(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if err != nil || n <= 0 {
		return 0, openentry.Invalid("version: give the version you read (?version=N)")
	}
	return n, nil
}

func handleListPages(logger *slog.Logger, content *shop.Content) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[pageJSON], error) {
		pages, err := content.Pages(r.Context(), a)
		if err != nil {
			return list[pageJSON]{}, err
		}
		return toPagesJSON(pages), nil
	})
}

func handleGetPage(logger *slog.Logger, content *shop.Content) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (pageJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return pageJSON{}, err
		}
		p, err := content.Page(r.Context(), a, id)
		if err != nil {
			return pageJSON{}, err
		}
		return toPageJSON(*p), nil
	})
}

func handleCreatePage(logger *slog.Logger, content *shop.Content) actorHandler {
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (pageJSON, error) {
		in, err := decode[pageBody](w, r)
		if err != nil {
			return pageJSON{}, err
		}
		p, err := content.CreatePage(r.Context(), a, in.edit(0))
		if err != nil {
			return pageJSON{}, err
		}
		return toPageJSON(*p), nil
	})
}

func handleUpdatePage(logger *slog.Logger, content *shop.Content) actorHandler {
	type request struct {
		Version int64 `json:"version"`
		pageBody
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (pageJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return pageJSON{}, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return pageJSON{}, err
		}
		p, err := content.UpdatePage(r.Context(), a, id, in.edit(in.Version))
		if err != nil {
			return pageJSON{}, err
		}
		return toPageJSON(*p), nil
	})
}

func handleDeletePage(logger *slog.Logger, content *shop.Content) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		id, err := idOf(r, "id")
		var version int64
		if err == nil {
			version, err = versionOf(r)
		}
		if err == nil {
			err = content.DeletePage(r.Context(), a, id, version)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func handleReorderPages(logger *slog.Logger, content *shop.Content) actorHandler {
	type request struct {
		ParentID int64   `json:"parentId"`
		IDs      []int64 `json:"ids"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[pageJSON], error) {
		in, err := decode[request](w, r)
		if err != nil {
			return list[pageJSON]{}, err
		}
		pages, err := content.ReorderPages(r.Context(), a, in.ParentID, in.IDs)
		if err != nil {
			return list[pageJSON]{}, err
		}
		return toPagesJSON(pages), nil
	})
}

type blockJSON struct {
	ID                     int64                      `json:"id"`
	Identifier             string                     `json:"identifier"`
	Type                   string                     `json:"type"`
	Position               int64                      `json:"position"`
	IsVisible              bool                       `json:"isVisible"`
	LocalizeInfos          map[string]json.RawMessage `json:"localizeInfos"`
	TemplateIdentifier     string                     `json:"templateIdentifier"`
	AttributeSetIdentifier string                     `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues  `json:"attributeValues"`
	Products               []int64                    `json:"products"`
	CountElementsPerRow    int64                      `json:"countElementsPerRow"`
	Quantity               int64                      `json:"quantity"`
	Version                int64                      `json:"version"`
}

func toBlockJSON(b openentry.Block) blockJSON {
	out := blockJSON{ID: b.ID, Identifier: b.Identifier, Type: b.Type, Position: b.Position, IsVisible: b.IsVisible,
		LocalizeInfos: b.LocalizeInfos, TemplateIdentifier: b.TemplateIdentifier, AttributeSetIdentifier: b.AttributeSetIdentifier,
		AttributeValues: b.AttributeValues, Products: b.ProductIDs, CountElementsPerRow: b.PerRow, Quantity: b.Quantity, Version: b.Version}
	if out.LocalizeInfos == nil {
		out.LocalizeInfos = map[string]json.RawMessage{}
	}
	if out.AttributeValues == nil {
		out.AttributeValues = openentry.AttributeValues{}
	}
	if out.Products == nil {
		out.Products = []int64{}
	}
	return out
}

// blockBody is a block to write; isVisible defaults to true.
type blockBody struct {
	Type                   string                     `json:"type"`
	Position               int64                      `json:"position"`
	IsVisible              *bool                      `json:"isVisible"`
	LocalizeInfos          map[string]json.RawMessage `json:"localizeInfos"`
	TemplateIdentifier     string                     `json:"templateIdentifier"`
	AttributeSetIdentifier string                     `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues  `json:"attributeValues"`
	Products               []int64                    `json:"products"`
	CountElementsPerRow    int64                      `json:"countElementsPerRow"`
	Quantity               int64                      `json:"quantity"`
}

func (b blockBody) edit(marker string, version int64) openentry.BlockEdit {
	return openentry.BlockEdit{Version: version, Position: b.Position, Block: openentry.ProjectBlock{
		Identifier: marker, Type: b.Type, LocalizeInfos: b.LocalizeInfos, Hidden: b.IsVisible != nil && !*b.IsVisible,
		TemplateIdentifier: b.TemplateIdentifier, AttributeSetIdentifier: b.AttributeSetIdentifier,
		AttributeValues: b.AttributeValues, Products: b.Products, PerRow: b.CountElementsPerRow, Quantity: b.Quantity}}
}

func handleListBlocks(logger *slog.Logger, content *shop.Content) actorHandler {
	return handleListPaged(logger, content.Blocks, toBlockJSON)
}

func handleGetBlock(logger *slog.Logger, content *shop.Content) actorHandler {
	return handleGetByMarker(logger, content.Block, toBlockJSON)
}

func handleCreateBlock(logger *slog.Logger, content *shop.Content) actorHandler {
	type request struct {
		Identifier string `json:"identifier"`
		blockBody
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (blockJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return blockJSON{}, err
		}
		b, err := content.CreateBlock(r.Context(), a, in.edit(in.Identifier, 0))
		if err != nil {
			return blockJSON{}, err
		}
		return toBlockJSON(*b), nil
	})
}

func handleUpdateBlock(logger *slog.Logger, content *shop.Content) actorHandler {
	type request struct {
		Version int64 `json:"version"`
		blockBody
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (blockJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return blockJSON{}, err
		}
		b, err := content.UpdateBlock(r.Context(), a, in.edit(r.PathValue("marker"), in.Version))
		if err != nil {
			return blockJSON{}, err
		}
		return toBlockJSON(*b), nil
	})
}

func handleDeleteBlock(logger *slog.Logger, content *shop.Content) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		version, err := versionOf(r)
		if err == nil {
			err = content.DeleteBlock(r.Context(), a, r.PathValue("marker"), version)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

type menuItemJSON struct {
	PageID    int64  `json:"pageId"`
	PageURL   string `json:"pageUrl"`
	ParentURL string `json:"parentUrl"`
	Position  int64  `json:"position"`
	IsVisible bool   `json:"isVisible"`
}

type menuJSON struct {
	ID         int64             `json:"id"`
	Identifier string            `json:"identifier"`
	Title      map[string]string `json:"title"`
	Position   int64             `json:"position"`
	Version    int64             `json:"version"`
	Pages      []menuItemJSON    `json:"pages"`
}

func toMenuJSON(m openentry.AdminMenu) menuJSON {
	out := menuJSON{ID: m.ID, Identifier: m.Identifier, Title: m.Title, Position: m.Position, Version: m.Version,
		Pages: make([]menuItemJSON, len(m.Items))}
	if out.Title == nil {
		out.Title = map[string]string{}
	}
	for i, it := range m.Items {
		out.Pages[i] = menuItemJSON{PageID: it.PageID, PageURL: it.PageURL, ParentURL: it.ParentURL, Position: it.Position, IsVisible: it.IsVisible}
	}
	return out
}

func handleListMenus(logger *slog.Logger, content *shop.Content) actorHandler {
	return handleListAll(logger, content.Menus, toMenuJSON)
}

func handleGetMenu(logger *slog.Logger, content *shop.Content) actorHandler {
	return handleGetByMarker(logger, content.Menu, toMenuJSON)
}

func handleUpdateMenu(logger *slog.Logger, content *shop.Content) actorHandler {
	type request struct {
		Version int64                       `json:"version"`
		Title   map[string]string           `json:"title"`
		Pages   []openentry.ProjectMenuPage `json:"pages"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (menuJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return menuJSON{}, err
		}
		m, err := content.UpdateMenu(r.Context(), a, openentry.MenuEdit{Version: in.Version,
			Menu: openentry.ProjectMenu{Identifier: r.PathValue("marker"), Title: in.Title, Pages: in.Pages}})
		if err != nil {
			return menuJSON{}, err
		}
		return toMenuJSON(*m), nil
	})
}
