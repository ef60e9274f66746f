package openentry

import "context"

// PageEdit is a page as an admin write gives it: the project file's shape,
// so that the apply's checks and SQL serve both.
type PageEdit struct {
	Page ProjectPage
	// Position orders the page among the others; 0 puts a new page last
	// and leaves an existing one where it is.
	Position int64
	// Version is the version read: a stale one is ErrConflict.
	Version int64
}

// BlockEdit is a block as an admin write gives it.
type BlockEdit struct {
	Block    ProjectBlock
	Position int64 // as PageEdit's
	Version  int64
}

// MenuEdit is a menu as an admin write gives it.
type MenuEdit struct {
	Menu    ProjectMenu
	Version int64
}

// AdminMenu is a menu as staff edit it: every item, hidden pages too,
// named by url as the project file names them.
type AdminMenu struct {
	ID         int64
	Identifier string
	Title      map[string]string
	Position   int64
	Version    int64
	Items      []AdminMenuItem
}

// AdminMenuItem is one page of a menu.
type AdminMenuItem struct {
	PageID    int64
	PageURL   string
	ParentURL string // "": top level
	Position  int64
	IsVisible bool // a hidden page is in the menu but not shown
}

// ContentAdminStore writes pages, blocks and menus for the admin API. Each
// write is one transaction with the apply's derived state (depths, the
// catalogue revision) and its journal entry; a stale Version is
// ErrConflict, a reference that does not resolve ErrInvalid. Reads see
// hidden objects too.
type ContentAdminStore interface {
	// AdminPages lists every page by position, with ParentURL and Version.
	AdminPages(ctx context.Context) ([]ContentPage, error)
	// AdminPage returns a page, hidden or not. ErrNotFound.
	AdminPage(ctx context.Context, id int64) (*ContentPage, error)
	// InsertPage stores a new page. ErrInvalid for a taken url.
	InsertPage(ctx context.Context, e PageEdit, a Audit) (*ContentPage, error)
	// UpdatePage replaces page id. ErrNotFound, ErrConflict, ErrInvalid.
	UpdatePage(ctx context.Context, id int64, e PageEdit, a Audit) (*ContentPage, error)
	// DeletePage removes a page that no page, product or menu refers to
	// (ErrConflict otherwise).
	DeletePage(ctx context.Context, id, version int64, a Audit) error
	// ReorderPages orders the children of parentID (0: the top level) as
	// ids, which must be exactly those children (ErrConflict otherwise).
	ReorderPages(ctx context.Context, parentID int64, ids []int64, a Audit) ([]ContentPage, error)

	// AdminBlocks returns a page of every block, by position, and the total.
	AdminBlocks(ctx context.Context, page Page) ([]Block, int64, error)
	// AdminBlock returns a block, hidden or not. ErrNotFound.
	AdminBlock(ctx context.Context, marker string) (*Block, error)
	// InsertBlock stores a new block. ErrInvalid for a taken marker.
	InsertBlock(ctx context.Context, e BlockEdit, a Audit) (*Block, error)
	// UpdateBlock replaces the block e names. ErrNotFound, ErrConflict.
	UpdateBlock(ctx context.Context, e BlockEdit, a Audit) (*Block, error)
	// DeleteBlock removes a block no page or product lists (ErrConflict).
	DeleteBlock(ctx context.Context, marker string, version int64, a Audit) error

	// AdminMenus lists every menu with its items, by position.
	AdminMenus(ctx context.Context) ([]AdminMenu, error)
	// AdminMenu returns a menu. ErrNotFound.
	AdminMenu(ctx context.Context, marker string) (*AdminMenu, error)
	// UpdateMenu replaces a menu's title and items. ErrNotFound, ErrConflict.
	UpdateMenu(ctx context.Context, e MenuEdit, a Audit) (*AdminMenu, error)
}
