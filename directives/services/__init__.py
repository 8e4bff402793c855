"""State changes of directives' work, each a verb taking the acting user explicitly."""
