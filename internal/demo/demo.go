// Package demo holds the built-in demo project: the shop the seed scenario
// ("payment for a registered user's order") runs against.
package demo

import (
	_ "embed"

	"github.com/openentry/openentry"
)

//go:embed project.json
var projectJSON []byte

// Demo user credentials, as the seed page uses them.
const (
	UserLogin    = "your-user@email.com"
	UserPassword = "123456"
)

// ProjectJSON is the demo project file, as kept in the repository.
func ProjectJSON() []byte { return projectJSON }

// Project returns the parsed demo project.
func Project() (*openentry.Project, error) { return openentry.ParseProject(projectJSON) }
