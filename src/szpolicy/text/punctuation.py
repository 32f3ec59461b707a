"""Punctuation that ends a clause, in one place for every rule that reads clauses."""

# Full-width and ASCII commas, semicolons, colons and sentence ends: what ends a clause.
CLAUSE_BREAKS = frozenset("，,；;：:。！？!?")
