"""Plain typed models every layer shares (corpus, answer, names); imports nothing else of oncoguide's."""
