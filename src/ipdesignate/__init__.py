"""ipdesignate: Beijing IP designation measures as versioned YAML rulebooks."""
