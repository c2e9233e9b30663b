// Preload: replaced by the typed client bridge (issue 4).
export {}
