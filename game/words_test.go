package game

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// twoWords finds a sentence or a phrase in a string: two words, the first
// of two letters at least.
var twoWords = regexp.MustCompile(`\pL{2,}\s+\pL+`)

// Words have one home (docs/translating.md): game/ draws and writes what
// the view model and the phrasebook say, and holds no sentence of its own
// in any file the app is built from. Only errors for developers (a font
// that does not parse) are written here, as errors or panics.
func TestNoSentenceInSource(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	var found []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(af, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.ImportSpec:
				return false
			case *ast.CallExpr:
				if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "panic" {
					return false // a bug's report, for developers
				}
				if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && (id.Name == "fmt" && sel.Sel.Name == "Errorf" || id.Name == "errors" && sel.Sel.Name == "New") {
						return false // an error for developers
					}
				}
			case *ast.BasicLit:
				if s, err := strconv.Unquote(x.Value); err == nil && x.Kind == token.STRING && twoWords.MatchString(s) {
					found = append(found, fset.Position(x.Pos()).String()+": "+strconv.Quote(s))
				}
			}
			return true
		})
	}
	assert.Empty(t, found, "sentences in game/'s source: make them messages of assets/i18n/en.json")
}
