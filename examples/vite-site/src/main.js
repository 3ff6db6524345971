// The site needs no script; this entry shows that the plugin leaves Vite's own output alone.
document.documentElement.dataset.ready = 'true'
