"""Text tools every stage shares: script conversion, numerals, segmentation, distinct texts."""
