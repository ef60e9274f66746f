package shop

import (
	"context"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// Content lets staff edit pages, blocks and menus. Every edit is checked by
// the project apply's own rules, on a project of that one object, and
// written by the store with the apply's SQL and its journal entry.
type Content struct {
	store    openentry.Store
	projects *Projects
}

// NewContent returns the content editing use cases; projects holds the
// apply's checks.
func NewContent(store openentry.Store, projects *Projects) *Content {
	return &Content{store: store, projects: projects}
}

// checkFragment validates p, a project of the objects one admin write
// gives, as Apply validates a file: the file's rules, attribute values
// against their sets, and values naming files (which need a project
// directory, so an admin write cannot). Every fault is a 400.
func (s *Projects) checkFragment(ctx context.Context, p *openentry.Project) error {
	if err := s.Validate(p); err != nil {
		return openentry.Invalid(err.Error())
	}
	if _, err := s.checkAttributeValues(ctx, p); err != nil {
		if errors.Is(err, openentry.ErrInvalid) {
			return openentry.Invalid(err.Error())
		}
		return err
	}
	_, _, _, err := s.projectFiles(ctx, p)
	return err
}

func checkEdit(position, version int64, update bool) error {
	if position < 0 {
		return openentry.Invalid("position must be 0 (unchanged, or last) or more")
	}
	if update && version <= 0 {
		return openentry.Invalid("version: give the version you read")
	}
	return nil
}

// Pages lists every page, hidden ones too.
func (s *Content) Pages(ctx context.Context, by openentry.Actor) ([]openentry.ContentPage, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.AdminPages(ctx)
}

// Page returns a page, hidden or not.
func (s *Content) Page(ctx context.Context, by openentry.Actor, id int64) (*openentry.ContentPage, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.AdminPage(ctx, id)
}

func (s *Content) checkPage(ctx context.Context, by openentry.Actor, e openentry.PageEdit, update bool) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if err := checkEdit(e.Position, e.Version, update); err != nil {
		return err
	}
	return s.projects.checkFragment(ctx, &openentry.Project{Pages: []openentry.ProjectPage{e.Page}})
}

// CreatePage adds a page.
func (s *Content) CreatePage(ctx context.Context, by openentry.Actor, e openentry.PageEdit) (*openentry.ContentPage, error) {
	if err := s.checkPage(ctx, by, e, false); err != nil {
		return nil, err
	}
	return s.store.InsertPage(ctx, e, openentry.Audit{Actor: by, Action: "page.create"})
}

// UpdatePage replaces a page at the version read.
func (s *Content) UpdatePage(ctx context.Context, by openentry.Actor, id int64, e openentry.PageEdit) (*openentry.ContentPage, error) {
	if err := s.checkPage(ctx, by, e, true); err != nil {
		return nil, err
	}
	return s.store.UpdatePage(ctx, id, e, openentry.Audit{Actor: by, Action: "page.update"})
}

// DeletePage removes a page without children, products or menus.
func (s *Content) DeletePage(ctx context.Context, by openentry.Actor, id, version int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if err := checkEdit(0, version, true); err != nil {
		return err
	}
	return s.store.DeletePage(ctx, id, version, openentry.Audit{Actor: by, Action: "page.delete"})
}

// ReorderPages orders the pages under parentID (0: the top level).
func (s *Content) ReorderPages(ctx context.Context, by openentry.Actor, parentID int64, ids []int64) ([]openentry.ContentPage, error) {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return nil, err
	}
	if parentID < 0 {
		return nil, openentry.Invalid("parentId must be a page id, or 0 for the top level")
	}
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if id <= 0 || seen[id] {
			return nil, openentry.Invalid(fmt.Sprintf("ids: %d is not a page id or is repeated", id))
		}
		seen[id] = true
	}
	if len(ids) == 0 {
		return nil, openentry.Invalid("ids: list the pages in their new order")
	}
	return s.store.ReorderPages(ctx, parentID, ids, openentry.Audit{Actor: by, Action: "page.reorder"})
}

// Blocks returns a page of every block.
func (s *Content) Blocks(ctx context.Context, by openentry.Actor, page openentry.Page) ([]openentry.Block, int64, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, 0, err
	}
	return s.store.AdminBlocks(ctx, page)
}

func blockNotFound(marker string) error {
	return openentry.NotFound(fmt.Sprintf("Block %q not found", marker))
}

// Block returns a block, hidden or not.
func (s *Content) Block(ctx context.Context, by openentry.Actor, marker string) (*openentry.Block, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	if !openentry.ValidMarker(marker) {
		return nil, blockNotFound(marker)
	}
	return s.store.AdminBlock(ctx, marker)
}

func (s *Content) checkBlock(ctx context.Context, by openentry.Actor, e openentry.BlockEdit, update bool) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if update && !openentry.ValidMarker(e.Block.Identifier) {
		return blockNotFound(e.Block.Identifier)
	}
	if err := checkEdit(e.Position, e.Version, update); err != nil {
		return err
	}
	return s.projects.checkFragment(ctx, &openentry.Project{Blocks: []openentry.ProjectBlock{e.Block}})
}

// CreateBlock adds a block.
func (s *Content) CreateBlock(ctx context.Context, by openentry.Actor, e openentry.BlockEdit) (*openentry.Block, error) {
	if err := s.checkBlock(ctx, by, e, false); err != nil {
		return nil, err
	}
	return s.store.InsertBlock(ctx, e, openentry.Audit{Actor: by, Action: "block.create"})
}

// UpdateBlock replaces a block at the version read.
func (s *Content) UpdateBlock(ctx context.Context, by openentry.Actor, e openentry.BlockEdit) (*openentry.Block, error) {
	if err := s.checkBlock(ctx, by, e, true); err != nil {
		return nil, err
	}
	return s.store.UpdateBlock(ctx, e, openentry.Audit{Actor: by, Action: "block.update"})
}

// DeleteBlock removes a block no page or product lists.
func (s *Content) DeleteBlock(ctx context.Context, by openentry.Actor, marker string, version int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if !openentry.ValidMarker(marker) {
		return blockNotFound(marker)
	}
	if err := checkEdit(0, version, true); err != nil {
		return err
	}
	return s.store.DeleteBlock(ctx, marker, version, openentry.Audit{Actor: by, Action: "block.delete"})
}

// Menus lists every menu with its items.
func (s *Content) Menus(ctx context.Context, by openentry.Actor) ([]openentry.AdminMenu, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.AdminMenus(ctx)
}

func menuNotFound(marker string) error {
	return openentry.NotFound(fmt.Sprintf("Menu %q not found", marker))
}

// Menu returns a menu with its items.
func (s *Content) Menu(ctx context.Context, by openentry.Actor, marker string) (*openentry.AdminMenu, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	if !openentry.ValidMarker(marker) {
		return nil, menuNotFound(marker)
	}
	return s.store.AdminMenu(ctx, marker)
}

// UpdateMenu replaces a menu's title and items at the version read.
func (s *Content) UpdateMenu(ctx context.Context, by openentry.Actor, e openentry.MenuEdit) (*openentry.AdminMenu, error) {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return nil, err
	}
	if !openentry.ValidMarker(e.Menu.Identifier) {
		return nil, menuNotFound(e.Menu.Identifier)
	}
	if err := checkEdit(0, e.Version, true); err != nil {
		return nil, err
	}
	if err := s.projects.checkFragment(ctx, &openentry.Project{Menus: []openentry.ProjectMenu{e.Menu}}); err != nil {
		return nil, err
	}
	return s.store.UpdateMenu(ctx, e, openentry.Audit{Actor: by, Action: "menu.update"})
}
