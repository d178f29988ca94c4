"""One module per knowledge topic (discovered by ``oncoguide.knowledge.schema.topic_modules``)."""
