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
	obj.Set("connections", jsStrings(st.Connections))
	obj.Set("problems", jsStrings(st.Problems))
}

func jsStrings(ss []string) js.Value {
	a := make([]any, len(ss))
	for i, s := range ss {
		a[i] = s
	}
	return js.ValueOf(a)
}
