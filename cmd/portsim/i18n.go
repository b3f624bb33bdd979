package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/i18ncheck"
)

// i18nCmd checks the phrasebook's translations (docs/translating.md).
func i18nCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("i18n", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: portsim i18n check [LANG...]\n\n"+
			"Lists each language's missing messages (shown in English until translated),\n"+
			"unused ones (no longer in English) and translations that cannot stand.\n"+
			"Without LANG, every language: %s. Exits 1 when a message is missing.\n", strings.Join(lesson.LanguageCodes(), ", "))
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || fs.Arg(0) != "check" {
		fs.Usage()
		return bad("want: portsim i18n check [LANG...]")
	}
	langs := fs.Args()[1:]
	if len(langs) == 0 {
		langs = lesson.LanguageCodes()
	}
	cat, err := lesson.Builtin()
	if err != nil {
		return err
	}
	failed := false
	for _, lang := range langs {
		r, err := i18ncheck.Check(cat, lang)
		if err != nil {
			return bad("%v", err)
		}
		fmt.Fprintf(stdout, "%s: %d of %d messages translated", r.Lang, r.Total-len(r.Missing), r.Total)
		if len(r.Missing) == 0 && len(r.Unused) == 0 && len(r.Problems) == 0 {
			fmt.Fprintln(stdout, ", all in order")
			continue
		}
		fmt.Fprintln(stdout)
		list := func(what string, ids []string) {
			if len(ids) > 0 {
				fmt.Fprintf(stdout, "  %s (%d):\n    %s\n", what, len(ids), strings.Join(ids, "\n    "))
			}
		}
		list("missing", r.Missing)
		list("unused", r.Unused)
		list("cannot stand", r.Problems)
		failed = failed || len(r.Missing) > 0 || len(r.Problems) > 0
	}
	if failed {
		return fmt.Errorf("a translation is incomplete")
	}
	return nil
}
