package game

import "syscall/js"

// hooked: window.portplay's getters are installed, once for the page's
// one game.
var hooked bool

// publish keeps window.portplay, that browser tests (and curious teachers
// in the console) read what the app shows from. Its properties are
// getters that compute the status when read, once per frame drawn: a frame
// pays nothing for them, however many connections there are to list. Only
// firstFrameMs is set when it happens.
func publish(g *Game) {
	obj := js.Global().Get("portplay")
	if obj.IsUndefined() {
		obj = js.Global().Get("Object").New()
		js.Global().Set("portplay", obj)
	}
	if g.frames == 1 {
		// Milliseconds from navigation start to the first frame drawn;
		// and the event the loader waits for to register the service
		// worker (web/loader.js).
		obj.Set("firstFrameMs", js.Global().Get("performance").Call("now"))
		js.Global().Call("dispatchEvent", js.Global().Get("Event").New("portplay-first-frame"))
	}
	if hooked {
		return
	}
	hooked = true
	var (
		st      Status
		stFrame = -1
	)
	status := func() *Status {
		if stFrame != g.frames {
			st, stFrame = g.Status(), g.frames
		}
		return &st
	}
	object := js.Global().Get("Object")
	for _, f := range hookFields {
		get := f.get
		desc := object.New()
		desc.Set("enumerable", true)
		desc.Set("get", js.FuncOf(func(js.Value, []js.Value) any { return get(status()) }))
		object.Call("defineProperty", obj, f.name, desc)
	}
}

// hookFields are window.portplay's properties: a table, which the
// compiler lays out as static data (a map literal of funcs is an insert
// each).
var hookFields = []struct {
	name string
	get  func(*Status) any
}{
	{"frames", func(st *Status) any { return st.Frames }},
	{"scene", func(st *Status) any { return st.Scene }},
	{"sceneName", func(st *Status) any { return st.SceneName }},
	{"time", func(st *Status) any { return st.Time }},
	{"playing", func(st *Status) any { return st.Playing }},
	{"speed", func(st *Status) any { return st.Speed }},
	{"reached", func(st *Status) any { return st.Reached }},
	{"limited", func(st *Status) any { return st.Limited }},
	{"profile", func(st *Status) any { return st.Profile }},
	{"help", func(st *Status) any { return st.Help }},
	{"focus", func(st *Status) any { return st.Focus }},
	{"events", func(st *Status) any { return st.Events }},
	{"connections", func(st *Status) any { return jsStrings(st.Connections) }},
	{"failures", func(st *Status) any { return jsStrings(st.Failures) }},
	{"problems", func(st *Status) any { return jsStrings(st.Problems) }},
	{"info", func(st *Status) any { return st.Info }},
	{"link", func(st *Status) any { return st.Link }},
	{"saved", func(st *Status) any { return st.Saved }},
	{"eventRows", func(st *Status) any {
		rows := make([]any, len(st.EventRows))
		for i, r := range st.EventRows {
			rows[i] = map[string]any{"n": r.N, "at": r.At, "text": r.Text, "current": r.Current, "selected": r.Selected}
		}
		return rows
	}},
	{"classState", func(st *Status) any { return st.ClassState }},
	{"classCode", func(st *Status) any { return st.ClassCode }},
	{"classDevices", func(st *Status) any { return st.ClassDevices }},
	{"voted", func(st *Status) any { return st.Voted }},
	{"step", func(st *Status) any { return st.Step }},
	{"steps", func(st *Status) any { return st.Steps }},
	{"question", func(st *Status) any { return st.Question }},
	{"choices", func(st *Status) any { return jsStrings(st.Choices) }},
	{"verdict", func(st *Status) any { return st.Verdict }},
	{"truth", func(st *Status) any { return st.Truth }},
	{"presenter", func(st *Status) any { return st.Presenter }},
	{"answers", func(st *Status) any {
		answers := map[string]any{}
		for k, v := range st.Answers {
			answers[k] = v
		}
		return answers
	}},
	{"updateMs", func(st *Status) any { return st.UpdateMs }},
	{"drawMs", func(st *Status) any { return st.DrawMs }},
	{"layoutW", func(st *Status) any { return st.LayoutW }},
	{"layoutH", func(st *Status) any { return st.LayoutH }},
	{"zoom", func(st *Status) any { return st.Zoom }},
	{"portrait", func(st *Status) any { return st.Portrait }},
	{"phone", func(st *Status) any { return st.Phone }},
	{"menu", func(st *Status) any { return []any{st.Menu[0], st.Menu[1], st.Menu[2], st.Menu[3]} }},
	{"reducedMotion", func(st *Status) any { return st.ReducedMotion }},
	{"yourPC", func(st *Status) any { return st.YourPC }},
}

func jsStrings(ss []string) js.Value {
	a := make([]any, len(ss))
	for i, s := range ss {
		a[i] = s
	}
	return js.ValueOf(a)
}

// pageURL is the page's address without its query: what a deep link's
// settings are appended to. A page opened from a file has no address
// another device could open ("null" origin): "".
func pageURL() string {
	loc := js.Global().Get("location")
	origin := loc.Get("origin").String()
	if origin == "null" || origin == "" {
		return ""
	}
	return origin + loc.Get("pathname").String()
}
