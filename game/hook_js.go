package game

import "syscall/js"

// publish mirrors Status into window.portplay so that browser tests (and
// curious teachers in the console) can read what the app shows.
func publish(g *Game) {
	st := g.Status()
	obj := js.Global().Get("portplay")
	if obj.IsUndefined() {
		obj = js.Global().Get("Object").New()
		js.Global().Set("portplay", obj)
	}
	if st.Frames == 1 {
		// Milliseconds from navigation start to the first frame drawn.
		obj.Set("firstFrameMs", js.Global().Get("performance").Call("now"))
	}
	obj.Set("frames", st.Frames)
	obj.Set("scene", st.Scene)
	obj.Set("sceneName", st.SceneName)
	obj.Set("time", st.Time)
	obj.Set("playing", st.Playing)
	obj.Set("speed", st.Speed)
	obj.Set("reached", st.Reached)
	obj.Set("limited", st.Limited)
	obj.Set("profile", st.Profile)
	obj.Set("help", st.Help)
	obj.Set("focus", st.Focus)
	obj.Set("events", st.Events)
	obj.Set("connections", jsStrings(st.Connections))
	obj.Set("failures", jsStrings(st.Failures))
	obj.Set("problems", jsStrings(st.Problems))
	obj.Set("info", st.Info)
	obj.Set("link", st.Link)
	obj.Set("saved", st.Saved)
	rows := make([]any, len(st.EventRows))
	for i, r := range st.EventRows {
		rows[i] = map[string]any{"n": r.N, "at": r.At, "text": r.Text, "current": r.Current, "selected": r.Selected}
	}
	obj.Set("eventRows", rows)
	obj.Set("step", st.Step)
	obj.Set("steps", st.Steps)
	obj.Set("question", st.Question)
	obj.Set("choices", jsStrings(st.Choices))
	obj.Set("verdict", st.Verdict)
	obj.Set("truth", st.Truth)
	obj.Set("presenter", st.Presenter)
	answers := js.Global().Get("Object").New()
	for k, v := range st.Answers {
		answers.Set(k, v)
	}
	obj.Set("answers", answers)
	obj.Set("updateMs", st.UpdateMs)
	obj.Set("drawMs", st.DrawMs)
	obj.Set("layoutW", st.LayoutW)
	obj.Set("layoutH", st.LayoutH)
	obj.Set("zoom", st.Zoom)
	obj.Set("portrait", st.Portrait)
	obj.Set("phone", st.Phone)
	obj.Set("reducedMotion", st.ReducedMotion)
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
