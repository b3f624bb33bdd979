package lesson

// hereObserver: a web page cannot open sockets (the browser gives it
// none), so "Your computer" says why instead.
var hereObserver Observer
