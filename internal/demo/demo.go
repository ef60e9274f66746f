//go:generate go run ./gen

// Package demo holds the built-in demo project: the shop the seed scenario
// ("payment for a registered user's order") runs against.
package demo

import (
	"embed"

	"github.com/openentry/openentry"
)

//go:embed project.json
var projectJSON []byte

// shopJSON is the small shop next to the seed: attribute sets, categories
// and pages, two dozen products in en_US and fr_FR with stock, and what
// OneEntry's e-commerce template hard-codes (storage "order", its form
// fields, delivery product 83).
//
//go:embed shop.json
var shopJSON []byte

// files holds the pictures shop.json names ({"file": "images/100.png"}),
// drawn by gen; paths are relative to this directory, as a project
// file's are to its own.
//
//go:embed images
var files embed.FS

// Demo user credentials, as the seed page uses them.
const (
	UserLogin    = "your-user@email.com"
	UserPassword = "123456"
)

// ProjectJSON is the demo project file, as kept in the repository.
func ProjectJSON() []byte { return projectJSON }

// Project returns the parsed demo project.
func Project() (*openentry.Project, error) { return parse(projectJSON) }

// ShopJSON is the demo shop file, applied after the demo project.
func ShopJSON() []byte { return shopJSON }

// Shop returns the parsed demo shop, to apply after Project.
func Shop() (*openentry.Project, error) { return parse(shopJSON) }

// parse reads one of the embedded files, which name files in this directory.
func parse(data []byte) (*openentry.Project, error) {
	p, err := openentry.ParseProject(data)
	if err != nil {
		return nil, err
	}
	p.Files = files
	return p, nil
}
